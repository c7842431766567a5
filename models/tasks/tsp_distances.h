#pragma once

// The Euclidean distances of one TSP instance, and tours on it: what every classic
// baseline (models/tasks/tsp_construction.h, tsp_local_search.h, tsp_held_karp.h) reads.
#include <cstdint>
#include <span>
#include <vector>

namespace kiln::models {

// A visiting order of the nodes 0 .. n-1; the tour closes back to its first node.
using Tour = std::vector<int64_t>;

class DistanceMatrix {
 public:
  // `xy` holds x0, y0, x1, y1, ...: the n = xy.size() / 2 points of an instance.
  // d(i, j) = sqrt(dx dx + dy dy), rounded as scipy's distance_matrix rounds it (Kool et
  // al.'s baselines use it), so ties and near-ties between candidates resolve alike.
  explicit DistanceMatrix(std::span<const double> xy);

  int64_t nodes() const { return nodes_; }
  double operator()(int64_t i, int64_t j) const {
    return distances_[static_cast<size_t>(i * nodes_ + j)];
  }

 private:
  int64_t nodes_;
  std::vector<double> distances_;
};

// The length of the closed tour, its edges added in visiting order, the closing one last.
double tour_length(const DistanceMatrix& d, const Tour& tour);

}  // namespace kiln::models
