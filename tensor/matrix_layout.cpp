#include "tensor/matrix_layout.h"

#include <algorithm>

#include "tensor/ops.h"

namespace kiln {

std::optional<MatrixLayout> matrix_layout(int64_t rows, int64_t cols, int64_t row_stride,
                                          int64_t col_stride) {
  // The stride of a size-1 dim never moves the pointer; pick whatever BLAS accepts.
  if (rows == 1) row_stride = std::max<int64_t>(cols, 1);
  if (cols == 1) col_stride = 1;
  if (col_stride == 1 && row_stride >= std::max<int64_t>(cols, 1)) {
    return MatrixLayout{false, row_stride};
  }
  if (row_stride == 1 && col_stride >= std::max<int64_t>(rows, 1)) {
    return MatrixLayout{true, col_stride};
  }
  return std::nullopt;
}

std::optional<MatrixLayout> matrix_layout(const Tensor& x) {
  const int r = x.dim();
  return matrix_layout(x.shape()[r - 2], x.shape()[r - 1], x.strides()[r - 2], x.strides()[r - 1]);
}

Tensor blas_ready(const Tensor& x) {
  return matrix_layout(x) ? x : raw::contiguous(x);
}

std::vector<int64_t> batch_offsets(const Tensor& x, int64_t batch) {
  std::vector<int64_t> offsets(batch, 0);
  for (int64_t i = 0; i < batch; ++i) {
    int64_t remainder = i;
    for (int d = x.dim() - 3; d >= 0; --d) {
      offsets[i] += (remainder % x.shape()[d]) * x.strides()[d];
      remainder /= x.shape()[d];
    }
  }
  return offsets;
}

}  // namespace kiln
