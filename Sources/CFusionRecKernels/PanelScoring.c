// The scoring kernel behind the live model's top-K scans (Serving's `_bestRows`).
//
// A scan scores every stored row against a batch of queries. Through BLAS each chunk of
// rows is one `gemm`, which repacks the chunk (and the queries) on every call: at 64 rows
// a chunk, packing cost as much as the multiplication. Here the queries are packed once
// per scan, column by column (`panel`), and the rows are read where they lie: for a tile
// of 4 rows × W queries the kernel keeps 4·W/L accumulators in registers (L lanes a
// vector), and each step over k loads W/L vectors of the panel, broadcasts one element of
// each row and issues 4·W/L fused multiply-adds. The comparison with each query's current
// K-th best score is made here too, so the caller only visits (row, query) pairs that
// can enter a ranking.
//
// The vector types are Clang/GCC vector extensions; on x86-64 the kernel is compiled for
// AVX2 and FMA (the `target` attribute) and chosen at run time, on ARM64 NEON's fused
// multiply-add is part of the base architecture.

#include "CFusionRecKernels.h"

#if defined(__x86_64__)
#define FUSIONREC_KERNEL_TARGET __attribute__((target("avx2,fma")))
#define FUSIONREC_HAS_KERNEL 1
#elif defined(__aarch64__)
#define FUSIONREC_KERNEL_TARGET
#define FUSIONREC_HAS_KERNEL 1
#else
#define FUSIONREC_HAS_KERNEL 0
#endif

bool fusionrec_panel_scoring_available(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return FUSIONREC_HAS_KERNEL;
#endif
}

#if FUSIONREC_HAS_KERNEL

// One 32-byte vector: 8 floats or 4 doubles (unaligned loads and stores).
typedef float f32x8 __attribute__((vector_size(32), aligned(4)));
typedef double f64x4 __attribute__((vector_size(32), aligned(8)));
typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef int64_t i64x4 __attribute__((vector_size(32)));

// Bit i set for each lane i of `mask` that is all ones (one `vmovmskps`/`vmovmskpd` on x86-64).
#if defined(__x86_64__)
#include <immintrin.h>
#define FUSIONREC_LANE_BITS(mask, lanes, bits)                                                               \
    bits = (uint64_t)((lanes) == 8 ? _mm256_movemask_ps((__m256)(mask)) : _mm256_movemask_pd((__m256d)(mask)))
#else
#define FUSIONREC_LANE_BITS(mask, lanes, bits)                                                               \
    do {                                                                                                     \
        bits = 0;                                                                                            \
        for (int lane = 0; lane < (lanes); lane++) bits |= (uint64_t)((mask)[lane] & 1) << lane;             \
    } while (0)
#endif

// Scores rows r..<r+tile_rows (1–4) against the panel's queries q..<q+V·L: V vectors of L lanes.
#define FUSIONREC_TILE(T, VEC, MASK, L, V)                                                                   \
    {                                                                                                        \
        VEC acc[4][V];                                                                                       \
        for (int i = 0; i < 4; i++)                                                                          \
            for (int v = 0; v < (V); v++) acc[i][v] = (VEC){0};                                              \
        const T *p0 = rows + r * row_stride;                                                                 \
        const T *p1 = rows + (r + (tile_rows > 1 ? 1 : 0)) * row_stride;                                    \
        const T *p2 = rows + (r + (tile_rows > 2 ? 2 : 0)) * row_stride;                                     \
        const T *p3 = rows + (r + (tile_rows > 3 ? 3 : 0)) * row_stride;                                     \
        const T *column = panel + q;                                                                         \
        for (size_t k = 0; k < depth; k++, column += panel_width) {                                          \
            VEC x[V];                                                                                        \
            for (int v = 0; v < (V); v++) x[v] = *(const VEC *)(column + v * (L));                           \
            T c0 = p0[k], c1 = p1[k], c2 = p2[k], c3 = p3[k];                                                \
            for (int v = 0; v < (V); v++) {                                                                  \
                acc[0][v] = __builtin_elementwise_fma((VEC){0} + c0, x[v], acc[0][v]);                      \
                acc[1][v] = __builtin_elementwise_fma((VEC){0} + c1, x[v], acc[1][v]);                      \
                acc[2][v] = __builtin_elementwise_fma((VEC){0} + c2, x[v], acc[2][v]);                      \
                acc[3][v] = __builtin_elementwise_fma((VEC){0} + c3, x[v], acc[3][v]);                      \
            }                                                                                                \
        }                                                                                                    \
        for (size_t i = 0; i < tile_rows; i++) {                                                             \
            uint64_t bits = 0;                                                                               \
            for (int v = 0; v < (V); v++) {                                                                  \
                *(VEC *)(scores + (r + i) * panel_width + q + v * (L)) = acc[i][v];                          \
                MASK pass = (MASK)(acc[i][v] >= *(const VEC *)(thresholds + q + v * (L)));                   \
                uint64_t lane_bits;                                                                          \
                FUSIONREC_LANE_BITS(pass, L, lane_bits);                                                     \
                bits |= lane_bits << (v * (L));                                                              \
            }                                                                                                \
            passing[r + i] |= bits << q;                                                                     \
        }                                                                                                    \
    }

// One query: 8 rows at a time, each accumulated in k order by a scalar fused multiply-add —
// the arithmetic of a panel lane, so a query scores the same alone as in a panel. The fused
// multiply-adds are explicit, so unoptimised builds round as optimised ones do.
#define FUSIONREC_SINGLE(T)                                                                                  \
    for (size_t r = 0; r < row_count; r += 8) {                                                              \
        size_t tile_rows = row_count - r < 8 ? row_count - r : 8;                                           \
        const T *p[8];                                                                                       \
        T acc[8];                                                                                            \
        for (size_t i = 0; i < 8; i++) {                                                                     \
            p[i] = rows + (r + (i < tile_rows ? i : 0)) * row_stride;                                       \
            acc[i] = 0;                                                                                      \
        }                                                                                                    \
        for (size_t k = 0; k < depth; k++) {                                                                 \
            T x = panel[k];                                                                                  \
            for (int i = 0; i < 8; i++) acc[i] = __builtin_elementwise_fma(p[i][k], x, acc[i]);              \
        }                                                                                                    \
        for (size_t i = 0; i < tile_rows; i++) {                                                             \
            scores[r + i] = acc[i];                                                                          \
            passing[r + i] = acc[i] >= thresholds[0];                                                        \
        }                                                                                                    \
    }

// The kernel for one scalar type: tiles of 16 queries (8 for a remainder) × 4 rows.
#define FUSIONREC_PANEL_KERNEL(NAME, T, VEC, MASK, L)                                                        \
    FUSIONREC_KERNEL_TARGET static void NAME(const T *rows, size_t row_count, size_t row_stride,             \
                                             const T *panel, size_t panel_width, size_t depth,               \
                                             const T *thresholds, T *scores, uint64_t *passing) {            \
        for (size_t r = 0; r < row_count; r++) passing[r] = 0;                                              \
        if (panel_width == 1) {                                                                              \
            FUSIONREC_SINGLE(T)                                                                              \
            return;                                                                                          \
        }                                                                                                    \
        for (size_t r = 0; r < row_count; r += 4) {                                                          \
            size_t tile_rows = row_count - r < 4 ? row_count - r : 4;                                       \
            size_t q = 0;                                                                                    \
            for (; q + 2 * 8 <= panel_width; q += 2 * 8) FUSIONREC_TILE(T, VEC, MASK, L, 16 / (L))          \
            if (q < panel_width) FUSIONREC_TILE(T, VEC, MASK, L, 8 / (L))                                    \
        }                                                                                                    \
    }

FUSIONREC_PANEL_KERNEL(score_panel_f32, float, f32x8, i32x8, 8)
FUSIONREC_PANEL_KERNEL(score_panel_f64, double, f64x4, i64x4, 4)

#endif

void fusionrec_score_panel_f32(const float *rows, size_t row_count, size_t row_stride, const float *panel,
                               size_t panel_width, size_t depth, const float *thresholds, float *scores,
                               uint64_t *passing) {
#if FUSIONREC_HAS_KERNEL
    score_panel_f32(rows, row_count, row_stride, panel, panel_width, depth, thresholds, scores, passing);
#endif
}

void fusionrec_score_panel_f64(const double *rows, size_t row_count, size_t row_stride, const double *panel,
                               size_t panel_width, size_t depth, const double *thresholds, double *scores,
                               uint64_t *passing) {
#if FUSIONREC_HAS_KERNEL
    score_panel_f64(rows, row_count, row_stride, panel, panel_width, depth, thresholds, scores, passing);
#endif
}
