// Batched matrix products: floating types through cuBLAS, int64 on a tiled kernel of ours.
// kiln is row-major and cuBLAS column-major: a row-major matrix read column-major is its
// transpose, so C = A B is computed as C^T = B^T A^T with the operands swapped, and no data
// moves. Transposed operands become cuBLAS transposes; only layouts cuBLAS cannot describe
// are made contiguous.
#include <atomic>
#include <limits>
#include <optional>
#include <vector>

#include "tensor/creation.h"
#include "tensor/cuda/blas.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/stream.h"
#include "tensor/cuda/strided.h"
#include "tensor/elementwise_formulas.h"
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

constexpr int kTile = 16;

struct MatrixStrides {
  int64_t row = 0, col = 0;
};

// out[batch z] (m x n, contiguous) = a[z] (m x k) b[z] (k x n); the batch offsets of a and b
// are in device arrays.
__global__ void matmul_int64_kernel(int64_t* out, const int64_t* a, const int64_t* b,
                                    const int64_t* a_offsets, const int64_t* b_offsets,
                                    MatrixStrides sa, MatrixStrides sb, int64_t m, int64_t n,
                                    int64_t k, int64_t first_batch) {
  KILN_SHARED(int64_t, a_tile, kTile * kTile);
  KILN_SHARED(int64_t, b_tile, kTile * kTile);
  const int64_t z = first_batch + blockIdx.z;
  const int64_t row = blockIdx.y * int64_t{kTile} + threadIdx.y;
  const int64_t col = blockIdx.x * int64_t{kTile} + threadIdx.x;
  const int64_t* a_matrix = a + a_offsets[z];
  const int64_t* b_matrix = b + b_offsets[z];
  const int t = threadIdx.y * kTile + threadIdx.x;
  int64_t total = 0;
  for (int64_t start = 0; start < k; start += kTile) {
    const int64_t a_col = start + threadIdx.x, b_row = start + threadIdx.y;
    a_tile[t] = row < m && a_col < k ? a_matrix[row * sa.row + a_col * sa.col] : 0;
    b_tile[t] = b_row < k && col < n ? b_matrix[b_row * sb.row + col * sb.col] : 0;
    __syncthreads();
    for (int i = 0; i < kTile; ++i) {
      total = wrapping_add(
          total, wrapping_mul(a_tile[threadIdx.y * kTile + i], b_tile[i * kTile + threadIdx.x]));
    }
    __syncthreads();
  }
  if (row < m && col < n) out[z * m * n + row * n + col] = total;
}

Tensor offsets_on(const Tensor& like, const std::vector<int64_t>& offsets) {
  return from_vector(offsets, {static_cast<int64_t>(offsets.size())},
                     {.dtype = kInt64, .device = like.device()});
}

// int64 matrix products, which cuBLAS does not offer: 16 x 16 output tiles, each block
// staging tiles of both operands in shared memory. Arithmetic wraps as on the CPU.
void matmul_int64(const Tensor& out, const Tensor& a, const Tensor& b) {
  const int r = out.dim();
  const int64_t m = out.shape()[r - 2], n = out.shape()[r - 1], k = a.shape()[r - 1];
  const int64_t batch = out.numel() / (m * n);
  const Tensor a_offsets = offsets_on(out, batch_offsets(a, batch));
  const Tensor b_offsets = offsets_on(out, batch_offsets(b, batch));
  constexpr int64_t kMaxGridZ = 65535;
  for (int64_t first = 0; first < batch; first += kMaxGridZ) {
    const LaunchShape shape = {dim3(static_cast<unsigned>((n + kTile - 1) / kTile),
                                    static_cast<unsigned>((m + kTile - 1) / kTile),
                                    static_cast<unsigned>(std::min(kMaxGridZ, batch - first))),
                               dim3(kTile, kTile)};
    launch("matmul_int64", matmul_int64_kernel, shape, out.data<int64_t>(), a.data<int64_t>(),
           b.data<int64_t>(), a_offsets.data<int64_t>(), b_offsets.data<int64_t>(),
           MatrixStrides{a.strides()[r - 2], a.strides()[r - 1]},
           MatrixStrides{b.strides()[r - 2], b.strides()[r - 1]}, m, n, k, first);
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
