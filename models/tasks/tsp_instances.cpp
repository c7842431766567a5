#include "models/tasks/tsp_instances.h"

#include <vector>

#include "models/tasks/numpy_random.h"
#include "tensor/error.h"

namespace kiln::models {

Tensor tsp_numpy_instances(int64_t count, int64_t nodes, uint32_t seed) {
  KILN_CHECK(count >= 0 && nodes >= 1, "tsp_numpy_instances: need count >= 0 and nodes >= 1, got ",
             count, " and ", nodes);
  NumpyRandomState numpy(seed);
  std::vector<double> coords(static_cast<size_t>(count * nodes * 2));
  for (double& value : coords) value = numpy.uniform();
  return from_vector(coords, {count, nodes, 2}, {.dtype = kFloat64});
}

Tensor tsp_test_set(int64_t nodes) {
  return tsp_numpy_instances(kTspSetSize, nodes, kTspTestSeed);
}

Tensor tsp_validation_set(int64_t nodes) {
  return tsp_numpy_instances(kTspSetSize, nodes, kTspValidationSeed);
}

Tensor tsp_random_instances(int64_t count, int64_t nodes, Generator& generator, DType dtype) {
  KILN_CHECK(is_floating(dtype), "tsp_random_instances: coordinates are float32 or float64, not ",
             dtype);
  return rand({count, nodes, 2}, {.dtype = dtype}, &generator);
}

Tensor tour_lengths(const Tensor& coords, const Tensor& tours) {
  KILN_CHECK(coords.dim() == 3 && coords.size(2) == 2 && is_floating(coords.dtype()),
             "tour_lengths: coords must be floating [B, n, 2], got ", coords.dtype(), " ",
             coords.shape());
  KILN_CHECK(tours.dtype() == kInt64 && tours.dim() == 2 && tours.size(0) == coords.size(0) &&
                 tours.size(1) == coords.size(1),
             "tour_lengths: tours must be int64 [B, n] for coords ", coords.shape(), ", got ",
             tours.dtype(), " ", tours.shape());
  const Tensor visited = coords.gather(1, tours.unsqueeze(2).expand(coords.shape()));
  const Tensor edges = visited.roll({-1}, {1}) - visited;
  return edges.norm(2, {2}).sum({1});
}

void check_tours(const Tensor& tours, int64_t nodes) {
  KILN_CHECK(tours.dtype() == kInt64 && tours.dim() == 2 && tours.size(1) == nodes,
             "check_tours: tours must be int64 [B, ", nodes, "], got ", tours.dtype(), " ",
             tours.shape());
  const std::vector<int64_t> all = tours.to_vector<int64_t>();
  for (int64_t row = 0; row < tours.size(0); ++row) {
    std::vector<bool> seen(static_cast<size_t>(nodes), false);
    for (int64_t i = 0; i < nodes; ++i) {
      const int64_t node = all[static_cast<size_t>(row * nodes + i)];
      KILN_CHECK(node >= 0 && node < nodes, "check_tours: tour ", row, " visits node ", node,
                 ", outside 0 .. ", nodes - 1);
      KILN_CHECK(!seen[static_cast<size_t>(node)], "check_tours: tour ", row, " visits node ", node,
                 " twice");
      seen[static_cast<size_t>(node)] = true;
    }
  }
}

}  // namespace kiln::models
