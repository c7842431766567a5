// Random fills: each Philox block is computed once and spread over the elements that use
// it, following the mapping documented in tensor/random.h.
#include "tensor/random.h"
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/tensor.h"

namespace kiln::cpu {

void CpuBackend::random(Distribution distribution, const Tensor& out, PhiloxPosition position,
                        double a, double b) {
  const int64_t numel = out.numel();
  const int64_t blocks = philox_blocks_needed(distribution, out.dtype(), numel);
  const int lanes = philox_lanes(distribution, out.dtype());
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* data = static_cast<T*>(out.data_ptr());
    parallel_for(blocks, kParallelGrain / 4, [&](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j) {
        const Philox::Block block = Philox::block(position.seed, position.offset + j);
        for (int lane = 0; lane < lanes && j * lanes + lane < numel; ++lane) {
          data[j * lanes + lane] = philox_draw<T>(distribution, block.data(), lane, a, b);
        }
      }
    });
  });
}

}  // namespace kiln::cpu
