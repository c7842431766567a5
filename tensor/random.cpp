#include "tensor/random.h"

#include "tensor/error.h"

namespace kiln {

int philox_lanes(Distribution distribution, DType dtype) {
  const bool wide = distribution == Distribution::Integer ||
                    (distribution == Distribution::Uniform && dtype == kFloat64);
  return wide ? 2 : 4;
}

int64_t philox_blocks_needed(Distribution distribution, DType dtype, int64_t numel) {
  const int64_t lanes = philox_lanes(distribution, dtype);
  return (numel + lanes - 1) / lanes;
}

PhiloxPosition Generator::advance(int64_t blocks) {
  return {seed_, offset_.fetch_add(static_cast<uint64_t>(blocks))};
}

Generator& default_generator() {
  static Generator generator;
  return generator;
}

void manual_seed(uint64_t seed) {
  default_generator().manual_seed(seed);
}

}  // namespace kiln
