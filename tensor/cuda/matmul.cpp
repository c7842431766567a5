// Batched matrix products through cuBLAS. kiln is row-major and cuBLAS column-major: a
// row-major matrix read column-major is its transpose, so C = A B is computed as
// C^T = B^T A^T with the operands swapped, and no data moves. Transposed operands become
// cuBLAS transposes; only layouts cuBLAS cannot describe are made contiguous.
#include <cublas_v2.h>

#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "tensor/cuda/cuda.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/runtime.h"
#include "tensor/matrix_layout.h"
#include "tensor/tensor.h"

namespace kiln::cuda {

namespace {

void check_cublas(cublasStatus_t status, const char* call) {
  KILN_CHECK(status == CUBLAS_STATUS_SUCCESS, "matmul: ", call,
             " failed: ", cublasGetStatusString(status));
}

// One handle per device, created on first use on that device and never destroyed:
// destroying it at exit could run after the CUDA runtime has been unloaded.
cublasHandle_t handle(int device) {
  static std::mutex mutex;
  static std::vector<cublasHandle_t> handles(device_count(), nullptr);
  const std::lock_guard lock(mutex);
  cublasHandle_t& slot = handles.at(device);
  if (slot == nullptr) check_cublas(cublasCreate(&slot), "cublasCreate");
  return slot;
}

int to_int(int64_t value) {
  KILN_CHECK(value <= std::numeric_limits<int>::max(), "matmul: size ", value,
             " exceeds cuBLAS's int range");
  return static_cast<int>(value);
}

cublasOperation_t operation(MatrixLayout layout) {
  return layout.transposed ? CUBLAS_OP_T : CUBLAS_OP_N;
}

MatrixLayout layout_of(const Tensor& x) {
  return *matrix_layout(x);
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

cublasStatus_t gemm(cublasHandle_t h, MatrixLayout la, MatrixLayout lb, int m, int n, int k,
                    const float* a, int64_t stride_a, const float* b, int64_t stride_b, float* c,
                    int64_t stride_c, int batch) {
  const float one = 1, zero = 0;
  return cublasSgemmStridedBatched(h, operation(la), operation(lb), m, n, k, &one, a,
                                   to_int(la.leading), stride_a, b, to_int(lb.leading), stride_b,
                                   &zero, c, m, stride_c, batch);
}

cublasStatus_t gemm(cublasHandle_t h, MatrixLayout la, MatrixLayout lb, int m, int n, int k,
                    const double* a, int64_t stride_a, const double* b, int64_t stride_b, double* c,
                    int64_t stride_c, int batch) {
  const double one = 1, zero = 0;
  return cublasDgemmStridedBatched(h, operation(la), operation(lb), m, n, k, &one, a,
                                   to_int(la.leading), stride_a, b, to_int(lb.leading), stride_b,
                                   &zero, c, m, stride_c, batch);
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
  const cublasHandle_t h = handle(out.device().index);
  // C^T [n x m] = B^T [n x k] A^T [k x m]: b is cuBLAS's first operand.
  const auto run = [&](int64_t first, int64_t count, int64_t stride_a, int64_t stride_b) {
    check_cublas(gemm(h, layout_of(b), layout_of(a), to_int(n), to_int(m), to_int(k),
                      b.data<T>() + b_offsets[first], stride_b, a.data<T>() + a_offsets[first],
                      stride_a, out.data<T>() + first * m * n, m * n, to_int(count)),
                 "cublas<t>gemmStridedBatched");
  };
  if (a_stride && b_stride) {
    run(0, batch, *a_stride, *b_stride);
  } else {
    for (int64_t i = 0; i < batch; ++i) run(i, 1, 0, 0);
  }
}

}  // namespace

void CudaBackend::matmul(const Tensor& out, const Tensor& a, const Tensor& b) {
  if (!is_floating(out.dtype())) not_implemented(detail::concat("matmul (", out.dtype(), ")"));
  if (out.numel() == 0) return;
  if (a.shape().back() == 0) {
    fill(out, 0);
    return;
  }
  const DeviceGuard guard(out.device().index);
  visit_floating(out.dtype(),
                 [&](auto tag) { run_matmul<typename decltype(tag)::type>(out, a, b); });
}

}  // namespace kiln::cuda
