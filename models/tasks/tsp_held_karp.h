#pragma once

// The exact solver for small instances, to check the heuristics against.
#include "models/tasks/tsp_distances.h"

namespace kiln::models {

// Its table holds 2^(n-1) (n-1) entries and its time grows as 2^n n^2.
inline constexpr int64_t kHeldKarpMaxNodes = 13;

// A shortest tour, from node 0, by Held and Karp's dynamic program (1962): with L(S, j) the
// shortest path from node 0 through the set S of other nodes ending at j in S,
// L(S, j) = min over i in S - {j} of L(S - {j}, i) + d(i, j), and the tour closes the best
// L(all, j) + d(j, 0). Throws kiln::Error above kHeldKarpMaxNodes nodes.
Tour held_karp_tour(const DistanceMatrix& d);

}  // namespace kiln::models
