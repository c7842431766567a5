#pragma once

// Euclidean TSP instances (points uniform in the unit square) and the length of tours on
// them. The test and validation sets are Kool et al.'s (2019), drawn exactly as their
// generate_data.py draws them with NumPy, so results compare with the papers' on the very
// same instances; training instances come from kiln's own seeded generator.
#include <cstdint>

#include "tensor/creation.h"

namespace kiln::models {

inline constexpr uint32_t kTspTestSeed = 1234;
inline constexpr uint32_t kTspValidationSeed = 4321;
inline constexpr int64_t kTspSetSize = 10000;

// np.random.seed(seed); np.random.uniform(size=(count, nodes, 2)): float64, [count, nodes, 2].
Tensor tsp_numpy_instances(int64_t count, int64_t nodes, uint32_t seed);
// Kool et al.'s tsp{nodes}_test_seed1234 and tsp{nodes}_validation_seed4321: 10,000
// instances each (generate_data.py reseeds before every set).
Tensor tsp_test_set(int64_t nodes);
Tensor tsp_validation_set(int64_t nodes);

// Training instances, [count, nodes, 2], uniform in [0, 1) from `generator`.
Tensor tsp_random_instances(int64_t count, int64_t nodes, Generator& generator,
                            DType dtype = kFloat32);

// The lengths [B] of closed tours: coords [B, n, 2] (float, on any device), tours int64
// [B, n] on the same device, each a visiting order; the edge back to the first node counts.
// Built from tensor ops, so it runs wherever they do; it does not check that the tours
// are permutations (check_tours does, on the host).
Tensor tour_lengths(const Tensor& coords, const Tensor& tours);

// Throws kiln::Error naming the first row of `tours` (int64 [B, nodes]) that is not a
// permutation of 0 .. nodes - 1, and the node that is out of range or repeated.
void check_tours(const Tensor& tours, int64_t nodes);

}  // namespace kiln::models
