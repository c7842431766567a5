// Random fills on the formulas of tensor/philox.h: thread j computes Philox block j once
// and writes the elements that use it, so the stream is the CPU's, element for element.
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"
#include "tensor/philox.h"
#include "tensor/random.h"

namespace kiln::cuda {

namespace {

template <typename T>
__global__ void random_kernel(T* out, int64_t numel, int64_t blocks, int lanes,
                              Distribution distribution, PhiloxPosition position, double a,
                              double b) {
  for (int64_t j = first_index(); j < blocks; j += grid_stride()) {
    uint32_t words[4];
    philox_block(position.seed, position.offset + j, 0, words);
    for (int lane = 0; lane < lanes && j * lanes + lane < numel; ++lane) {
      out[j * lanes + lane] = philox_draw<T>(distribution, words, lane, a, b);
    }
  }
}

}  // namespace

void CudaBackend::random(Distribution distribution, const Tensor& out, PhiloxPosition position,
                         double a, double b) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  const int64_t blocks = philox_blocks_needed(distribution, out.dtype(), out.numel());
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("random", random_kernel<T>, grid_for(blocks), out.data<T>(), out.numel(), blocks,
           philox_lanes(distribution, out.dtype()), distribution, position, a, b);
  });
}

}  // namespace kiln::cuda
