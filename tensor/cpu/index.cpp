// Index kernels: index_select, gather, scatter (assign and add) and index_add. Indices are
// checked against the indexed extent before anything is written through them.
#include <cstring>

#include "tensor/around_dim.h"
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/loops.h"
#include "tensor/cpu/vec_math.h"

namespace kiln::cpu {

namespace {

void check_index(const char* op, int64_t index, int64_t extent, int dim) {
  KILN_CHECK(index >= 0 && index < extent, op, ": index ", index, " is out of range for dim ", dim,
             " of size ", extent);
}

// Calls visit(coords) for every coordinate of `shape` in row-major order.
template <typename Visit>
void for_each_coordinate(const Shape& shape, const Visit& visit) {
  if (shape.product() == 0) return;
  Dims coords = Dims::filled(shape.size(), 0);
  while (true) {
    visit(coords);
    int d = shape.size() - 1;
    for (; d >= 0; --d) {
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
    if (d < 0) return;
  }
}

// a + b in T: wrapping for int64, `or` for bool.
template <typename T>
T add_values(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t>)
    return wrapping_add(a, b);
  else if constexpr (std::is_same_v<T, bool>)
    return a || b;
  else
    return a + b;
}

int64_t offset_of(const Dims& coords, const Strides& strides) {
  int64_t offset = 0;
  for (int d = 0; d < coords.size(); ++d) offset += coords[d] * strides[d];
  return offset;
}

}  // namespace

void CpuBackend::index_select(const Tensor& out, const Tensor& in, int dim, const Tensor& index) {
  const AroundDim extents(in.shape(), dim);
  const int64_t* picked = static_cast<const int64_t*>(index.data_ptr());
  const int64_t count = index.numel();
  for (int64_t j = 0; j < count; ++j) check_index("index_select", picked[j], extents.length, dim);
  const size_t row_bytes = extents.inner * itemsize(in.dtype());
  const char* from = static_cast<const char*>(in.data_ptr());
  char* to = static_cast<char*>(out.data_ptr());
  parallel_for(extents.outer * count,
               std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(extents.inner, 1)),
               [&](int64_t begin, int64_t end) {
                 for (int64_t row = begin; row < end; ++row) {
                   const int64_t o = row / count, j = row % count;
                   std::memcpy(to + row * row_bytes,
                               from + (o * extents.length + picked[j]) * row_bytes, row_bytes);
                 }
               });
}

void CpuBackend::gather(const Tensor& out, const Tensor& in, int dim, const Tensor& index) {
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* source = static_cast<const T*>(in.data_ptr());
    const int64_t* positions = static_cast<const int64_t*>(index.data_ptr());
    T* result = static_cast<T*>(out.data_ptr());
    int64_t linear = 0;
    for_each_coordinate(index.shape(), [&](Dims& coords) {
      const int64_t picked = positions[offset_of(coords, index.strides())];
      check_index("gather", picked, in.shape()[dim], dim);
      const int64_t kept = coords[dim];
      coords[dim] = picked;
      result[linear++] = source[offset_of(coords, in.strides())];
      coords[dim] = kept;
    });
  });
}

void CpuBackend::scatter(const Tensor& self, int dim, const Tensor& index, const Tensor& src,
                         ScatterMode mode) {
  const char* op = mode == ScatterMode::Add ? "scatter_add" : "scatter";
  visit_dtype(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* target = static_cast<T*>(self.data_ptr());
    const T* source = static_cast<const T*>(src.data_ptr());
    const int64_t* positions = static_cast<const int64_t*>(index.data_ptr());
    for_each_coordinate(index.shape(), [&](Dims& coords) {
      const int64_t picked = positions[offset_of(coords, index.strides())];
      check_index(op, picked, self.shape()[dim], dim);
      const T value = source[offset_of(coords, src.strides())];
      const int64_t kept = coords[dim];
      coords[dim] = picked;
      T& slot = target[offset_of(coords, self.strides())];
      slot = mode == ScatterMode::Add ? add_values(slot, value) : value;
      coords[dim] = kept;
    });
  });
}

// Index by index, as one add of the picked row into each outer block: each target adds its
// values in index order.
void CpuBackend::index_add(const Tensor& self, int dim, const Tensor& index, const Tensor& src) {
  const int64_t* picked = static_cast<const int64_t*>(index.data_ptr());
  const AroundDim target(self.shape(), dim);
  const int64_t count = index.numel();
  for (int64_t i = 0; i < count; ++i) check_index("index_add", picked[i], target.length, dim);
  visit_dtype(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* out = static_cast<T*>(self.data_ptr());
    const T* from = static_cast<const T*>(src.data_ptr());
    const int64_t inner = target.inner;
    for (int64_t i = 0; i < count; ++i) {
      parallel_for(target.outer, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(inner, 1)),
                   [&](int64_t begin, int64_t end) {
                     for (int64_t o = begin; o < end; ++o) {
                       T* row = out + (o * target.length + picked[i]) * inner;
                       const T* addend = from + (o * count + i) * inner;
                       for (int64_t j = 0; j < inner; ++j) row[j] = add_values(row[j], addend[j]);
                     }
                   });
    }
  });
}

}  // namespace kiln::cpu
