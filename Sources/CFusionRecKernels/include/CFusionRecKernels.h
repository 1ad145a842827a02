#ifndef CFUSIONREC_KERNELS_H
#define CFUSIONREC_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Whether the panel-scoring kernels run on this processor: x86-64 with AVX2 and FMA, or
/// ARM64. Elsewhere callers score through BLAS instead.
bool fusionrec_panel_scoring_available(void);

/// Scores `row_count` rows against a panel of queries stored column by column:
/// `scores[r * panel_width + q] = Σₖ rows[r * row_stride + k] · panel[k * panel_width + q]`
/// for k < depth, accumulated in k order by fused multiply-adds, so a query's scores do not
/// depend on the other queries in the panel or on its place in it. `panel_width` is a
/// a multiple of 8, at most 64. Bit q of `passing[r]` is set when that score is at least
/// `thresholds[q]` (a NaN score never passes). Call only when
/// `fusionrec_panel_scoring_available()`.
void fusionrec_score_panel_f32(const float *rows, size_t row_count, size_t row_stride, const float *panel,
                               size_t panel_width, size_t depth, const float *thresholds, float *scores,
                               uint64_t *passing);

/// ``fusionrec_score_panel_f32`` in double precision.
void fusionrec_score_panel_f64(const double *rows, size_t row_count, size_t row_stride, const double *panel,
                               size_t panel_width, size_t depth, const double *thresholds, double *scores,
                               uint64_t *passing);

#endif
