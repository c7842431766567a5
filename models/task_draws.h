#pragma once

// Uniform integers for the synthetic tasks, drawn from a Generator's Philox stream.
#include <cstddef>
#include <cstdint>

#include "tensor/random.h"

namespace kiln::models {

// Each example reserves its own counter blocks, so the generator's offset alone says where a
// run is.
class Draws {
 public:
  explicit Draws(Generator& generator) : generator_(generator) {}
  // Uniform in [low, high].
  int64_t between(int64_t low, int64_t high) {
    if (next_ == words_.size()) {
      const PhiloxPosition position = generator_.advance(1);
      words_ = Philox::block(position.seed, position.offset);
      next_ = 0;
    }
    return low + static_cast<int64_t>(words_[next_++] % static_cast<uint64_t>(high - low + 1));
  }

 private:
  Generator& generator_;
  Philox::Block words_{};
  size_t next_ = 4;
};

}  // namespace kiln::models
