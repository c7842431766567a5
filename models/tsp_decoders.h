#pragma once

// Ways to turn a trained TSP policy into tours: greedy, the best of K samples and beam search
// (Kool et al. 2019, section 5), and the cheap inference gains used after it: decoding the
// eight symmetric images of each instance in the unit square and greedy tours from every
// start node (Kwon et al. 2020, POMO, sections 4.2-4.3), and each tour improved by 2-opt.
// Every decoder keeps, per instance, the shortest of the tours it tried.
#include <cstdint>
#include <string>

#include "models/tsp_policy.h"

namespace kiln::models {

struct TspDecodeSpec {
  enum class Kind { Greedy, Sample, Beam, Multistart };
  Kind kind = Kind::Greedy;
  int64_t count = 1;     // samples (Sample) or beam width (Beam)
  bool augment = false;  // also decode the 8 symmetric images, keep the shortest
  bool two_opt = false;  // improve each chosen tour by 2-opt

  // "greedy", "sample:K", "beam:W" or "multistart", then optionally "+aug8" and "+2opt", in
  // that order ("beam:16+aug8+2opt"). Throws kiln::Error naming what is wrong.
  static TspDecodeSpec parse(const std::string& text);
  std::string str() const;
};

struct DecodedTours {
  Tensor tours;    // int64 [N, n], on the CPU
  Tensor lengths;  // float64 [N]
};

// Tours of instances [N, n, 2] (float64 on the CPU; the model sees them in float32 on its
// own device), decoded by `spec` in batches of `batch_size` instances without grad and in eval
// mode (restored after); sampling draws from a generator seeded by `seed`.
DecodedTours decode_tsp(TspPolicy& model, const Tensor& instances, const TspDecodeSpec& spec,
                        uint64_t seed = 1, int64_t batch_size = 1024);

// The eight images of coords [B, n, 2] under the symmetries of the unit square (the
// reflections and rotations that map it onto itself; tour lengths do not change), [8 B, n, 2],
// image k of instance b at row 8 b + k.
Tensor unit_square_symmetries(const Tensor& coords);

// Beam search of width `width` on coords [B, n, 2]: the `width` most probable partial tours
// are kept at each step; returns every final beam's tour, [B width, n] (beam j of instance b
// at row b width + j), and their log-probabilities [B width] (-inf for beams that had too
// few continuations to be real).
TourRollout beam_search(TspPolicy& model, const Tensor& coords, int64_t width);

}  // namespace kiln::models
