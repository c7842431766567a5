// Random fills: each Philox block is computed once and spread over the elements that use
// it, following the mapping documented in tensor/random.h.
#include <cmath>
#include <numbers>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/random.h"
#include "tensor/tensor.h"

namespace kiln::cpu {

namespace {

constexpr double kTwoPow32 = 4294967296.0;

double uniform24(uint32_t word) {
  return static_cast<double>(word >> 8) * 0x1.0p-24;
}

uint64_t join_words(uint32_t low, uint32_t high) {
  return static_cast<uint64_t>(high) << 32 | low;
}

double uniform53(uint32_t low, uint32_t high) {
  return static_cast<double>(join_words(low, high) >> 11) * 0x1.0p-53;
}

// Value of element lane `lane` of a block.
template <typename T>
T draw(Distribution distribution, const Philox::Block& block, int lane, double a, double b) {
  switch (distribution) {
    case Distribution::Uniform:
      if constexpr (std::is_same_v<T, double>) {
        return a + (b - a) * uniform53(block[2 * lane], block[2 * lane + 1]);
      } else {
        return static_cast<T>(a + (b - a) * uniform24(block[lane]));
      }
    case Distribution::Normal: {
      const int pair = lane / 2 * 2;
      const double radius = std::sqrt(-2.0 * std::log(1.0 - block[pair] / kTwoPow32));
      const double angle = 2.0 * std::numbers::pi * (block[pair + 1] / kTwoPow32);
      return static_cast<T>(a + b * radius * (lane % 2 == 0 ? std::cos(angle) : std::sin(angle)));
    }
    case Distribution::Bernoulli:
      return static_cast<T>(uniform24(block[lane]) < a ? 1 : 0);
    case Distribution::Integer: {
      // The bounds are integers within +-2^53, exact in double.
      const auto range = static_cast<uint64_t>(static_cast<int64_t>(b) - static_cast<int64_t>(a));
      const uint64_t bits = join_words(block[2 * lane], block[2 * lane + 1]);
      return static_cast<T>(static_cast<int64_t>(a) + static_cast<int64_t>(bits % range));
    }
  }
  return T{};
}

}  // namespace

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
          data[j * lanes + lane] = draw<T>(distribution, block, lane, a, b);
        }
      }
    });
  });
}

}  // namespace kiln::cpu
