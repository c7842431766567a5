#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "tensor/backend.h"
#include "tensor/philox.h"

namespace kiln {

// Philox 4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011):
// a counter-based generator, so element i of a draw depends only on (seed, counter) and
// never on how the work is split across threads or devices.
struct Philox {
  using Block = std::array<uint32_t, 4>;
  // The 128-bit block for a 64-bit key and a 128-bit counter (hi:lo).
  static constexpr Block block(uint64_t key, uint64_t counter_lo, uint64_t counter_hi = 0) {
    uint32_t words[4] = {};
    philox_block(key, counter_lo, counter_hi, words);
    return {words[0], words[1], words[2], words[3]};
  }
};

// Which Philox outputs an element uses. A draw of n elements from position (seed, offset)
// uses blocks offset, offset + 1, ...:
// - float32 uniform and bernoulli: element i takes word i % 4 of block i / 4, as 24 bits:
//   u = (word >> 8) * 2^-24, in [0, 1);
// - float64 uniform, and integers: element i takes words 2(i % 2), 2(i % 2) + 1 of block
//   i / 2, as 53 bits (uniform) or 64 bits (integers: low + bits mod (high - low));
// - normal (Box-Muller): element i of block i / 4; lanes 0/1 come from words 0, 1 and
//   lanes 2/3 from words 2, 3 as r = sqrt(-2 log(1 - u_a)), theta = 2 pi u_b, cos/sin.
// The generator then advances by the number of blocks used.
int philox_lanes(Distribution distribution, DType dtype);
int64_t philox_blocks_needed(Distribution distribution, DType dtype, int64_t numel);

// A seeded stream. Draws advance its offset, so consecutive draws differ and a run is
// reproducible from the seed alone.
class Generator {
 public:
  explicit Generator(uint64_t seed = kDefaultSeed) : seed_(seed) {}
  static constexpr uint64_t kDefaultSeed = 0x6b696c6e;  // "kiln"

  // Not to be called while other threads draw from this generator.
  void manual_seed(uint64_t seed) {
    seed_ = seed;
    offset_ = 0;
  }
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  void set_offset(uint64_t offset) { offset_ = offset; }
  // Reserves `blocks` counter blocks and returns where they start. Safe to call from
  // several threads: each draw gets its own blocks.
  PhiloxPosition advance(int64_t blocks);

 private:
  uint64_t seed_;
  std::atomic<uint64_t> offset_ = 0;
};

// The process-wide generator used when none is passed.
Generator& default_generator();
void manual_seed(uint64_t seed);

}  // namespace kiln
