#pragma once

// Tour construction heuristics for one TSP instance, with the conventions of Kool et al.'s
// problems/tsp/tsp_baseline.py, so that their averages over the test sets reproduce Table 1
// of Kool, van Hoof and Welling 2019. Ties go to the lowest node index and the earliest
// tour position, as NumPy's argmin and argmax break them.
#include "models/tasks/tsp_distances.h"

namespace kiln::models {

// Nearest neighbour from node 0: next, the nearest node not yet visited.
Tour nearest_neighbour_tour(const DistanceMatrix& d);

// Which node an insertion heuristic adds next (Rosenkrantz, Stearns and Lewis 1977).
enum class InsertionRule {
  kNearest,   // from node 0, the node nearest to any node of the tour
  kFarthest,  // from the first node of the farthest pair, the node whose nearest tour node is
              // farthest
  kRandom,    // nodes in index order: the instances are random, so the order is too
};

// Grows a tour one node at a time, each where it lengthens the tour least: between the
// adjacent tour nodes p, q with the least d(p, node) + d(node, q) - d(p, q).
Tour insertion_tour(const DistanceMatrix& d, InsertionRule rule);

}  // namespace kiln::models
