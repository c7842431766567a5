#include "models/tasks/tsp_distances.h"

#include <cmath>

#include "tensor/error.h"

namespace kiln::models {

DistanceMatrix::DistanceMatrix(std::span<const double> xy)
    : nodes_(static_cast<int64_t>(xy.size() / 2)),
      distances_(static_cast<size_t>(nodes_ * nodes_)) {
  KILN_CHECK(xy.size() >= 2 && xy.size() % 2 == 0,
             "DistanceMatrix: expects the x, y pairs of at least one point, got ", xy.size(),
             " values");
  for (int64_t i = 0; i < nodes_; ++i) {
    for (int64_t j = 0; j < nodes_; ++j) {
      const double dx = xy[static_cast<size_t>(2 * j)] - xy[static_cast<size_t>(2 * i)];
      const double dy = xy[static_cast<size_t>(2 * j + 1)] - xy[static_cast<size_t>(2 * i + 1)];
      distances_[static_cast<size_t>(i * nodes_ + j)] = std::sqrt(dx * dx + dy * dy);
    }
  }
}

double tour_length(const DistanceMatrix& d, const Tour& tour) {
  double length = 0;
  for (size_t i = 0; i + 1 < tour.size(); ++i) length += d(tour[i], tour[i + 1]);
  return tour.empty() ? 0 : length + d(tour.back(), tour.front());
}

}  // namespace kiln::models
