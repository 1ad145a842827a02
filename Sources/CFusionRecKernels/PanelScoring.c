// The scoring kernel behind the live model's top-K scans (Serving's `_bestRows`).
//
// A scan scores every stored row against a batch of queries. Through BLAS each chunk of
// rows is one `gemm`, which repacks the chunk (and the queries) on every call: at 64 rows
// a chunk, packing cost as much as the multiplication. Here the queries are packed once
// per scan, column by column (`panel`), and the rows are read where they lie. A tile of
// 4 rows × 16 queries keeps 8 vector accumulators, and each step over k loads 2 vectors of
// the panel, broadcasts one element of each row and issues 8 fused multiply-adds; a
// remainder of 8 queries takes 8 rows at a time, so it too issues 8 a step. Each lane
// accumulates one (row, query) score in k order from zero, whatever the tile, so a query
// scores the same in any panel. The comparison with each query's current K-th
// best score is made here too, so the caller only visits (row, query) pairs that can enter
// a ranking.
//
// The vector types are Clang/GCC vector extensions; on x86-64 the kernel is compiled for
// AVX2 and FMA (the `target` attribute) and chosen at run time, on ARM64 NEON's fused
// multiply-add is part of the base architecture. The fused multiply-adds are explicit, so
// unoptimised builds round as optimised ones do.

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

// Vectors of 8 floats and 4 doubles (unaligned loads and stores), and their comparison masks.
typedef float f32x8 __attribute__((vector_size(32), aligned(4)));
typedef double f64x4 __attribute__((vector_size(32), aligned(8)));
typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef int64_t i64x4 __attribute__((vector_size(32)));

// Bit i set for each lane i of a comparison mask (one `vmovmskps`/`vmovmskpd` on x86-64).
#if defined(__x86_64__)
#include <immintrin.h>
#define FUSIONREC_BITS_i32x8(mask) (uint64_t)_mm256_movemask_ps((__m256)(mask))
#define FUSIONREC_BITS_i64x4(mask) (uint64_t)_mm256_movemask_pd((__m256d)(mask))
#else
#define FUSIONREC_LANE_LOOP(mask, lanes)                                                                     \
    ({                                                                                                       \
        uint64_t bits = 0;                                                                                   \
        for (int lane = 0; lane < (lanes); lane++) bits |= (uint64_t)((mask)[lane] & 1) << lane;             \
        bits;                                                                                                \
    })
#define FUSIONREC_BITS_i32x8(mask) FUSIONREC_LANE_LOOP(mask, 8)
#define FUSIONREC_BITS_i64x4(mask) FUSIONREC_LANE_LOOP(mask, 4)
#endif

// A vector of L copies of x.
#define FUSIONREC_SPLAT_8(VEC, x) ((VEC){x, x, x, x, x, x, x, x})
#define FUSIONREC_SPLAT_4(VEC, x) ((VEC){x, x, x, x})

// Scores rows r..<r+tile_rows (1–R; rows past the end repeat the last, unwritten) against
// the panel's queries q..<q+V·L: R×V accumulators of L lanes. Every lane is its own query's
// score, accumulated in k order from zero by fused multiply-adds whatever the tile's shape.
#define FUSIONREC_TILE(T, VEC, MASK, L, R, V)                                                                \
    {                                                                                                        \
        VEC acc[R][V];                                                                                       \
        const T *p[R];                                                                                       \
        for (size_t i = 0; i < (R); i++) {                                                                   \
            p[i] = rows + (r + (i < tile_rows ? i : tile_rows - 1)) * row_stride;                            \
            for (int v = 0; v < (V); v++) acc[i][v] = (VEC){0};                                              \
        }                                                                                                    \
        const T *column = panel + q;                                                                         \
        for (size_t k = 0; k < depth; k++, column += panel_width) {                                          \
            VEC x[V];                                                                                        \
            for (int v = 0; v < (V); v++) x[v] = *(const VEC *)(column + v * (L));                           \
            for (int i = 0; i < (R); i++) {                                                                  \
                T c = p[i][k];                                                                               \
                VEC splat = FUSIONREC_SPLAT_##L(VEC, c);                                                     \
                for (int v = 0; v < (V); v++) acc[i][v] = __builtin_elementwise_fma(splat, x[v], acc[i][v]); \
            }                                                                                                \
        }                                                                                                    \
        for (size_t i = 0; i < tile_rows; i++) {                                                             \
            uint64_t bits = 0;                                                                               \
            for (int v = 0; v < (V); v++) {                                                                  \
                *(VEC *)(scores + (r + i) * panel_width + q + v * (L)) = acc[i][v];                          \
                bits |= FUSIONREC_BITS_##MASK((MASK)(acc[i][v] >= *(const VEC *)(thresholds + q + v * (L))))  \
                        << (v * (L));                                                                        \
            }                                                                                                \
            passing[r + i] |= bits << q;                                                                     \
        }                                                                                                    \
    }

// The kernel for one scalar type, over blocks of 8 rows: tiles of 16 queries × 4 rows, then
// a remainder of 8 queries × 8 rows (both 8 accumulators for floats; doubles take more
// registers).
#define FUSIONREC_PANEL_KERNEL(NAME, T, TILE16, TILE8)                                                       \
    FUSIONREC_KERNEL_TARGET static void NAME(const T *rows, size_t row_count, size_t row_stride,             \
                                             const T *panel, size_t panel_width, size_t depth,               \
                                             const T *thresholds, T *scores, uint64_t *passing) {            \
        for (size_t r = 0; r < row_count; r++) passing[r] = 0;                                              \
        for (size_t block = 0; block < row_count; block += 8) {                                              \
            size_t block_rows = row_count - block < 8 ? row_count - block : 8;                              \
            size_t q = 0;                                                                                    \
            for (; q + 16 <= panel_width; q += 16) {                                                         \
                for (size_t r = block; r < block + block_rows; r += 4) {                                     \
                    size_t tile_rows = block + block_rows - r < 4 ? block + block_rows - r : 4;             \
                    TILE16                                                                                   \
                }                                                                                            \
            }                                                                                                \
            if (q < panel_width) {                                                                           \
                size_t r = block, tile_rows = block_rows;                                                    \
                TILE8                                                                                        \
            }                                                                                                \
        }                                                                                                    \
    }

FUSIONREC_PANEL_KERNEL(score_panel_f32, float,
                       FUSIONREC_TILE(float, f32x8, i32x8, 8, 4, 2),
                       FUSIONREC_TILE(float, f32x8, i32x8, 8, 8, 1))
FUSIONREC_PANEL_KERNEL(score_panel_f64, double,
                       FUSIONREC_TILE(double, f64x4, i64x4, 4, 4, 4),
                       FUSIONREC_TILE(double, f64x4, i64x4, 4, 8, 2))

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
