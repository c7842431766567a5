#pragma once

// How a BLAS library (OpenBLAS row-major, cuBLAS column-major) reads the matrices of a
// batched matmul operand without copying it. Shared by the CPU and CUDA matmul kernels.
#include <cstdint>
#include <optional>
#include <vector>

#include "tensor/tensor.h"

namespace kiln {

// A rows x cols matrix is either row-major with `leading` = its row stride, or column-major
// (`transposed`, a transposed row-major matrix) with `leading` = its column stride.
struct MatrixLayout {
  bool transposed = false;
  int64_t leading = 0;
};

// The layout of a matrix with the given element strides, if BLAS can read it as it is.
std::optional<MatrixLayout> matrix_layout(int64_t rows, int64_t cols, int64_t row_stride,
                                          int64_t col_stride);
// The layout of the last two dims of `x`, if BLAS can read them as they are.
std::optional<MatrixLayout> matrix_layout(const Tensor& x);
// `x` itself when BLAS can read its matrices, else a contiguous copy.
Tensor blas_ready(const Tensor& x);
// Element offsets of each of the `batch` matrices of `x` (its leading dims are the batch).
std::vector<int64_t> batch_offsets(const Tensor& x, int64_t batch);

}  // namespace kiln
