// int64 matrix products, which cuBLAS does not offer: 16 x 16 output tiles, each block
// staging tiles of both operands in shared memory. Arithmetic wraps as on the CPU.
#include <algorithm>

#include "tensor/creation.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"
#include "tensor/elementwise_formulas.h"
#include "tensor/matrix_layout.h"

namespace kiln::cuda {

namespace {

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

}  // namespace

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

}  // namespace kiln::cuda
