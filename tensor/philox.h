#pragma once

// Philox 4x32-10 and the mapping from its words to values (documented in tensor/random.h),
// shared by the CPU and CUDA random kernels so that both draw the same numbers for the
// same seed and offset.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "tensor/backend.h"
#include "tensor/host_device.h"

namespace kiln {

// The 128-bit block (four words) for a 64-bit key and a 128-bit counter (hi:lo).
KILN_HOST_DEVICE constexpr void philox_block(uint64_t key, uint64_t counter_lo, uint64_t counter_hi,
                                             uint32_t (&c)[4]) {
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  c[0] = static_cast<uint32_t>(counter_lo);
  c[1] = static_cast<uint32_t>(counter_lo >> 32);
  c[2] = static_cast<uint32_t>(counter_hi);
  c[3] = static_cast<uint32_t>(counter_hi >> 32);
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = uint64_t{0xD2511F53} * c[0];
    const uint64_t p1 = uint64_t{0xCD9E8D57} * c[2];
    const uint32_t next[4] = {
        static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k0, static_cast<uint32_t>(p1),
        static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k1, static_cast<uint32_t>(p0)};
    for (int w = 0; w < 4; ++w) c[w] = next[w];
    k0 += 0x9E3779B9;
    k1 += 0xBB67AE85;
  }
}

KILN_HOST_DEVICE inline double philox_uniform24(uint32_t word) {
  return static_cast<double>(word >> 8) * 0x1.0p-24;
}

KILN_HOST_DEVICE inline uint64_t philox_join(uint32_t low, uint32_t high) {
  return static_cast<uint64_t>(high) << 32 | low;
}

// Value of element lane `lane` of a block's words.
template <typename T>
KILN_HOST_DEVICE T philox_draw(Distribution distribution, const uint32_t* words, int lane, double a,
                               double b) {
  constexpr double kTwoPow32 = 4294967296.0;
  constexpr double kPi = 3.14159265358979323846;
  switch (distribution) {
    case Distribution::Uniform:
      if constexpr (std::is_same_v<T, double>) {
        const uint64_t bits = philox_join(words[2 * lane], words[2 * lane + 1]);
        return a + (b - a) * (static_cast<double>(bits >> 11) * 0x1.0p-53);
      } else {
        return static_cast<T>(a + (b - a) * philox_uniform24(words[lane]));
      }
    case Distribution::Normal: {
      const int pair = lane / 2 * 2;
      const double radius = std::sqrt(-2.0 * std::log(1.0 - words[pair] / kTwoPow32));
      const double angle = 2.0 * kPi * (words[pair + 1] / kTwoPow32);
      return static_cast<T>(a + b * radius * (lane % 2 == 0 ? std::cos(angle) : std::sin(angle)));
    }
    case Distribution::Bernoulli:
      return static_cast<T>(philox_uniform24(words[lane]) < a ? 1 : 0);
    case Distribution::Integer: {
      // The bounds are integers within +-2^53, exact in double.
      const auto range = static_cast<uint64_t>(static_cast<int64_t>(b) - static_cast<int64_t>(a));
      const uint64_t bits = philox_join(words[2 * lane], words[2 * lane + 1]);
      return static_cast<T>(static_cast<int64_t>(a) + static_cast<int64_t>(bits % range));
    }
  }
  return T{};
}

}  // namespace kiln
