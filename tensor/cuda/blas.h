#pragma once

// The seam to cuBLAS: the real library (blas_cublas.cpp) or OpenBLAS behind cuBLAS's own
// conventions (emulator/blas.cpp). Matrices are column-major, as in cuBLAS, so the
// row-major mapping in matmul.cpp is what both builds test.
#include <cstdint>

#include "tensor/cuda/runtime.h"

namespace kiln::cuda::blas {

enum class Transpose { No, Yes };

// C_i = alpha op(A_i) op(B_i) + beta C_i for i < batch, where X_i = X + i stride_x
// (cublas<t>gemmStridedBatched). C_i is m x n, op(A_i) m x k, op(B_i) k x n.
template <typename T>
void gemm_strided_batched(int device, runtime::Stream stream, Transpose transpose_a,
                          Transpose transpose_b, int m, int n, int k, T alpha, const T* a, int lda,
                          int64_t stride_a, const T* b, int ldb, int64_t stride_b, T beta, T* c,
                          int ldc, int64_t stride_c, int batch);

// Whether float32 GEMMs may use TF32 tensor cores (off by default: float32 results then
// match the CPU's to rounding). The emulator computes in full float32 either way.
void set_allow_tf32(bool allow);
bool allow_tf32();

}  // namespace kiln::cuda::blas
