// Batched matrix products through cuBLAS. kiln is row-major and cuBLAS column-major: a
// row-major matrix read column-major is its transpose, so C = A B is computed as
// C^T = B^T A^T with the operands swapped, and no data moves. Transposed operands become
// cuBLAS transposes; only layouts cuBLAS cannot describe are made contiguous.
#include <atomic>
#include <limits>
#include <optional>
#include <vector>

#include "tensor/cuda/blas.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/stream.h"
#include "tensor/matrix_layout.h"
#include "tensor/tensor.h"

namespace kiln::cuda {

namespace blas {
namespace {
std::atomic<bool> tf32{false};
}  // namespace

void set_allow_tf32(bool allow) {
  tf32 = allow;
}

bool allow_tf32() {
  return tf32;
}
}  // namespace blas

namespace {

int to_int(int64_t value) {
  KILN_CHECK(value <= std::numeric_limits<int>::max(), "matmul: size ", value,
             " exceeds cuBLAS's int range");
  return static_cast<int>(value);
}

blas::Transpose transpose_of(MatrixLayout layout) {
  return layout.transposed ? blas::Transpose::Yes : blas::Transpose::No;
}

// The distance between consecutive matrices when it is one number (0 for a broadcast
// batch), which is what a single strided-batched call can express.
std::optional<int64_t> uniform_stride(const std::vector<int64_t>& offsets) {
  const int64_t stride = offsets.size() > 1 ? offsets[1] - offsets[0] : 0;
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] != static_cast<int64_t>(i) * stride) return std::nullopt;
  }
  return stride;
}

template <typename T>
void run_matmul(const Tensor& out, const Tensor& a_in, const Tensor& b_in) {
  const int r = out.dim();
  const int64_t m = out.shape()[r - 2], n = out.shape()[r - 1], k = a_in.shape()[r - 1];
  const Tensor a = blas_ready(a_in), b = blas_ready(b_in);
  const int64_t batch = out.numel() / (m * n);
  const std::vector<int64_t> a_offsets = batch_offsets(a, batch);
  const std::vector<int64_t> b_offsets = batch_offsets(b, batch);
  const std::optional<int64_t> a_stride = uniform_stride(a_offsets);
  const std::optional<int64_t> b_stride = uniform_stride(b_offsets);
  const MatrixLayout la = *matrix_layout(a), lb = *matrix_layout(b);
  // C^T [n x m] = B^T [n x k] A^T [k x m]: b is cuBLAS's first operand.
  const auto run = [&](int64_t first, int64_t count, int64_t stride_a, int64_t stride_b) {
    blas::gemm_strided_batched<T>(
        out.device().index, current_stream(), transpose_of(lb), transpose_of(la), to_int(n),
        to_int(m), to_int(k), T(1), b.data<T>() + b_offsets[first], to_int(lb.leading), stride_b,
        a.data<T>() + a_offsets[first], to_int(la.leading), stride_a, T(0),
        out.data<T>() + first * m * n, to_int(n), m * n, to_int(count));
  };
  if (a_stride && b_stride) {
    run(0, batch, *a_stride, *b_stride);
  } else {
    for (int64_t i = 0; i < batch; ++i) run(i, 1, 0, 0);
  }
}

}  // namespace

void CudaBackend::matmul(const Tensor& out, const Tensor& a, const Tensor& b) {
  if (out.numel() == 0) return;
  if (a.shape().back() == 0) {
    fill(out, 0);
    return;
  }
  const runtime::DeviceGuard guard(out.device().index);
  if (out.dtype() == kInt64) return matmul_int64(out, a, b);
  visit_floating(out.dtype(),
                 [&](auto tag) { run_matmul<typename decltype(tag)::type>(out, a, b); });
}

}  // namespace kiln::cuda
