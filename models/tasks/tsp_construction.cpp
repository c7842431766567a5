#include "models/tasks/tsp_construction.h"

#include <algorithm>
#include <limits>

namespace kiln::models {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The first node of the farthest pair: the first row of d holding its largest entry.
int64_t first_of_farthest_pair(const DistanceMatrix& d) {
  int64_t first = 0;
  double farthest = -1;
  for (int64_t i = 0; i < d.nodes(); ++i) {
    for (int64_t j = 0; j < d.nodes(); ++j) {
      if (d(i, j) > farthest) {
        farthest = d(i, j);
        first = i;
      }
    }
  }
  return first;
}

// Of the nodes not yet `taken`, the one with the least (or, if `farthest`, the greatest)
// distance(node); the lowest index among equals.
template <typename Distance>
int64_t extreme_untaken(const std::vector<bool>& taken, bool farthest, const Distance& distance) {
  int64_t chosen = -1;
  double chosen_distance = 0;
  for (int64_t node = 0; node < static_cast<int64_t>(taken.size()); ++node) {
    if (taken[node]) continue;
    const double candidate = distance(node);
    if (chosen < 0 || (farthest ? candidate > chosen_distance : candidate < chosen_distance)) {
      chosen = node;
      chosen_distance = candidate;
    }
  }
  return chosen;
}

int64_t next_to_insert(InsertionRule rule, const DistanceMatrix& d, int64_t step,
                       const std::vector<double>& distance_to_tour,
                       const std::vector<bool>& in_tour) {
  if (rule == InsertionRule::kRandom) return step;
  const bool farthest = rule == InsertionRule::kFarthest;
  if (step == 0) return farthest ? first_of_farthest_pair(d) : 0;
  return extreme_untaken(in_tour, farthest, [&](int64_t node) { return distance_to_tour[node]; });
}

// Where `node` enters the tour: after the first tour node p whose edge (p, q) it lengthens
// least, by d(p, node) + d(node, q) - d(p, q).
int64_t cheapest_position(const DistanceMatrix& d, const Tour& tour, int64_t node) {
  const int64_t size = static_cast<int64_t>(tour.size());
  int64_t position = size;
  double least = kInfinity;
  for (int64_t k = 0; k < size; ++k) {
    const int64_t p = tour[k], q = tour[(k + 1) % size];
    const double cost = d(p, node) + d(node, q) - d(p, q);
    if (cost < least) {
      least = cost;
      position = k + 1;
    }
  }
  return position;
}

}  // namespace

Tour nearest_neighbour_tour(const DistanceMatrix& d) {
  std::vector<bool> visited(d.nodes(), false);
  Tour tour{0};
  visited[0] = true;
  while (static_cast<int64_t>(tour.size()) < d.nodes()) {
    const int64_t last = tour.back();
    const int64_t next =
        extreme_untaken(visited, false, [&](int64_t node) { return d(last, node); });
    visited[next] = true;
    tour.push_back(next);
  }
  return tour;
}

Tour insertion_tour(const DistanceMatrix& d, InsertionRule rule) {
  std::vector<double> distance_to_tour(d.nodes(), kInfinity);
  std::vector<bool> in_tour(d.nodes(), false);
  Tour tour;
  tour.reserve(d.nodes());
  for (int64_t step = 0; step < d.nodes(); ++step) {
    const int64_t node = next_to_insert(rule, d, step, distance_to_tour, in_tour);
    tour.insert(tour.begin() + cheapest_position(d, tour, node), node);
    in_tour[node] = true;
    for (int64_t j = 0; j < d.nodes(); ++j) {
      distance_to_tour[j] = std::min(distance_to_tour[j], d(j, node));
    }
  }
  return tour;
}

}  // namespace kiln::models
