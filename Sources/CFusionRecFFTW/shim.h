// Single-precision FFTW (libfftw3f), linked only by the AudioEmbedding module.
#ifndef FUSIONREC_FFTW_SHIM_H
#define FUSIONREC_FFTW_SHIM_H

#include <fftw3.h>

#endif
