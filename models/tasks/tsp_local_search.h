#pragma once

// Local search for one TSP instance: improve a tour by small moves until none shortens it
// (a local optimum). Each scan takes the first improving move it meets and goes on from
// there; a move counts only if it gains more than kMinGain, so that rounding can neither
// lengthen a tour nor keep the search cycling.
#include "models/tasks/tsp_distances.h"

namespace kiln::models {

inline constexpr double kMinGain = 1e-12;

// 2-opt (Croes 1958): replace edges (a, b), (c, e) by (a, c), (b, e), reversing the path
// from b to c.
Tour two_opt(const DistanceMatrix& d, Tour tour);

// Or-opt (Or 1976): move a segment of 1, 2 or 3 consecutive nodes to between two other
// adjacent nodes, in its own orientation or reversed, whichever is shorter.
Tour or_opt(const DistanceMatrix& d, Tour tour);

}  // namespace kiln::models
