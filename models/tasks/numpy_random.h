#pragma once

// NumPy's legacy generator, np.random.seed and np.random.uniform (numpy.random.RandomState),
// so kiln can draw the very instances the papers' test sets hold. NumPy keeps this stream
// fixed across releases (NEP 19); tests/models/test_tsp_instances.cpp checks it against
// values NumPy printed.
#include <cstdint>
#include <random>

namespace kiln::models {

class NumpyRandomState {
 public:
  // np.random.seed(seed) with an integer seed is MT19937's init_genrand(seed)
  // (numpy/random/src/mt19937/mt19937.c, mt19937_seed), which is how std::mt19937 seeds
  // itself from one value; both then return the same tempered 32-bit outputs.
  explicit NumpyRandomState(uint32_t seed) : engine_(seed) {}

  // np.random.uniform() in [0, 1): 53 random bits from two outputs a, b, as NumPy's
  // mt19937_next_double: ((a >> 5) 2^26 + (b >> 6)) / 2^53. uniform(low=0, high=1) adds 0 and
  // multiplies by 1, which changes no bit.
  double uniform() {
    const uint32_t a = static_cast<uint32_t>(engine_()) >> 5;
    const uint32_t b = static_cast<uint32_t>(engine_()) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

 private:
  std::mt19937 engine_;
};

}  // namespace kiln::models
