#pragma once

#include <cstdint>

#include "tensor/dims.h"

namespace kiln {

// Extents of a contiguous tensor seen as [outer, length, inner] around `dim`: the rows an op
// along a dim (reduction, scan, sort, softmax) runs over, element i of row (o, j) at
// o * length * inner + i * inner + j.
struct AroundDim {
  int64_t outer = 1, length = 1, inner = 1;
  AroundDim(int64_t outer_, int64_t length_, int64_t inner_)
      : outer(outer_), length(length_), inner(inner_) {}
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

// The dim order that moves the (sorted) `reduced` dims last, keeping the order of the rest.
inline Dims reduced_dims_last_order(int rank, const Dims& reduced) {
  Dims order;
  int next = 0;
  for (int d = 0; d < rank; ++d) {
    if (next < reduced.size() && reduced[next] == d)
      ++next;
    else
      order.push_back(d);
  }
  for (int64_t d : reduced) order.push_back(d);
  return order;
}

}  // namespace kiln
