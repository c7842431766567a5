#pragma once

#include <cstdint>

#include "tensor/dims.h"

namespace kiln {

// Extents of a contiguous tensor seen as [outer, length, inner] around `dim`.
struct AroundDim {
  int64_t outer = 1, length = 1, inner = 1;
  AroundDim(const Shape& shape, int dim) {
    for (int d = 0; d < shape.size(); ++d) {
      if (d < dim)
        outer *= shape[d];
      else if (d > dim)
        inner *= shape[d];
    }
    length = shape[dim];
  }
};

// The dim order that moves `dim` last and keeps the others as they were.
inline Dims dim_last_order(int rank, int dim) {
  Dims order;
  for (int d = 0; d < rank; ++d) {
    if (d != dim) order.push_back(d);
  }
  order.push_back(dim);
  return order;
}

}  // namespace kiln
