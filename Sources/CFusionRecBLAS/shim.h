#ifndef CFUSIONREC_BLAS_SHIM_H
#define CFUSIONREC_BLAS_SHIM_H

// OpenBLAS's cblas.h (found through pkg-config `openblas`) declares the CBLAS
// interface and openblas_set_num_threads; lapacke.h comes from liblapacke-dev.
#include <cblas.h>
#include <lapacke.h>

#endif
