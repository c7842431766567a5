#pragma once

// Draws TSP instances with their tours as one self-contained SVG: a row per instance, a panel
// per tour set (the model's, the best baseline's), each titled with its tour's length.
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace kiln::tools {

struct TourSet {
  std::string name;  // "model (greedy)", "farthest_insertion+oropt"
  Tensor tours;      // int64 [K, n]
  Tensor lengths;    // [K]
};

// instances [K, n, 2] in the unit square; every set holds K tours of n nodes.
std::string tours_svg(const Tensor& instances, const std::vector<TourSet>& sets);

}  // namespace kiln::tools
