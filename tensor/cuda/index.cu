// Index kernels: index_select, gather, scatter (assign and add) and index_add. Indices are
// validated by a kernel of their own before anything is written through them; the first
// bad one comes back to the host, which throws as the CPU does. Accumulation uses atomics,
// or, under set_deterministic_algorithms, adds each target's values in the CPU's order.
#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "tensor/creation.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/runtime.h"
#include "tensor/cuda/stream.h"
#include "tensor/cuda/strided.h"
#include "tensor/deterministic.h"
#include "tensor/elementwise_formulas.h"

namespace kiln::cuda {

namespace {

// No index is this large, so it marks "none bad yet".
constexpr int64_t kNoBadIndex = INT64_MAX;

__global__ void check_indices_kernel(const int64_t* index, StridedOperands<1> layout,
                                     int64_t extent, unsigned long long* first_bad) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[1];
    offsets_of(layout, i, offsets);
    const int64_t value = index[offsets[0]];
    if (value < 0 || value >= extent) {
      atomicCAS(first_bad, static_cast<unsigned long long>(kNoBadIndex),
                static_cast<unsigned long long>(value));
    }
  }
}

// The values of a contiguous int64 tensor on the device, read back to the host.
std::vector<int64_t> values_on_host(const Tensor& x) {
  std::vector<int64_t> values(static_cast<size_t>(x.numel()));
  runtime::memcpy_async(values.data(), x.data_ptr(), values.size() * sizeof(int64_t),
                        runtime::CopyKind::DeviceToHost, current_stream());
  runtime::synchronize_stream(current_stream());
  return values;
}

// Throws, naming `op`, if an element of `index` lies outside [0, extent).
void check_indices(const char* op, const Tensor& index, int64_t extent, int dim) {
  if (index.numel() == 0) return;
  const Tensor flag = full({1}, kNoBadIndex, {.dtype = kInt64, .device = index.device()});
  launch("check_indices", check_indices_kernel, grid_for(index.numel()), index.data<int64_t>(),
         strided_operands<1>({&index}), extent,
         reinterpret_cast<unsigned long long*>(flag.data<int64_t>()));
  const int64_t bad = values_on_host(flag)[0];
  KILN_CHECK(bad == kNoBadIndex, op, ": index ", bad, " is out of range for dim ", dim, " of size ",
             extent);
}

template <typename T>
__device__ void add_into(T* target, T value) {
  if constexpr (std::is_same_v<T, bool>) {
    if (value) *target = true;  // bool addition is `or`
  } else if constexpr (std::is_same_v<T, int64_t>) {
    atomicAdd(reinterpret_cast<unsigned long long*>(target),
              static_cast<unsigned long long>(value));
  } else {
    atomicAdd(target, value);
  }
}

// out[o0] = in[o1 + index[o2] * in_dim_stride] over the output's elements.
template <typename T>
__global__ void gather_kernel(T* out, const T* in, const int64_t* index, StridedOperands<3> layout,
                              int64_t in_dim_stride) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[3];
    offsets_of(layout, i, offsets);
    out[offsets[0]] = in[offsets[1] + index[offsets[2]] * in_dim_stride];
  }
}

// self[o0 + index[o2] * self_dim_stride] = (or +=) src[o1] over the written elements.
// Assignment of duplicates is last-writer-wins in no fixed order, as on any GPU.
template <typename T>
__global__ void scatter_kernel(T* self, const T* src, const int64_t* index,
                               StridedOperands<3> layout, int64_t self_dim_stride, bool add) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[3];
    offsets_of(layout, i, offsets);
    T* target = self + offsets[0] + index[offsets[2]] * self_dim_stride;
    if (add) {
      add_into(target, src[offsets[1]]);
    } else {
      *target = src[offsets[1]];
    }
  }
}

// self[targets[g]] += src[sources[j]] for j in [starts[g], starts[g + 1]), in that order:
// each target's values are added one after another, as on the CPU.
template <typename T>
__global__ void grouped_add_kernel(T* self, const T* src, const int64_t* targets,
                                   const int64_t* starts, const int64_t* sources, int64_t groups) {
  for (int64_t g = first_index(); g < groups; g += grid_stride()) {
    T total = self[targets[g]];
    for (int64_t j = starts[g]; j < starts[g + 1]; ++j) {
      total = binary_value<BinaryOp::Add>(total, src[sources[j]]);
    }
    self[targets[g]] = total;
  }
}

// Iteration over `shape` with the given strides of three operands.
StridedOperands<3> layout_of(const Shape& shape, const std::array<Strides, 3>& strides) {
  StridedOperands<3> layout;
  layout.rank = shape.size();
  layout.numel = shape.product();
  for (int d = 0; d < layout.rank; ++d) {
    layout.shape[d] = shape[d];
    for (int t = 0; t < 3; ++t) layout.strides[t][d] = strides[t][d];
  }
  return layout;
}

// `x`'s strides with `dim` zeroed: the indexed dim is addressed through the index instead.
Strides without_dim(const Tensor& x, int dim) {
  Strides strides = x.strides();
  strides[dim] = 0;
  return strides;
}

// The strides that walk a 1-D index along `dim` of a rank-`rank` iteration.
Strides along_dim(const Tensor& index, int rank, int dim) {
  Strides strides = Strides::filled(rank, 0);
  strides[dim] = index.strides()[0];
  return strides;
}

void run_gather(const char* op, const Tensor& out, const Tensor& in, int dim, const Tensor& index,
                const Strides& index_strides) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  check_indices(op, index, in.shape()[dim], dim);
  const StridedOperands<3> layout =
      layout_of(out.shape(), {out.strides(), without_dim(in, dim), index_strides});
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch(op, gather_kernel<T>, grid_for(out.numel()), out.data<T>(), in.data<T>(),
           index.data<int64_t>(), layout, in.strides()[dim]);
  });
}

// The deterministic accumulation: the host lists the (target, source) offset pair of every
// element in iteration order (the CPU's order), groups the pairs by target keeping that
// order, and the device adds each group in turn. `index` is contiguous.
template <typename T>
void grouped_add(const Tensor& self, const Tensor& src, const Tensor& index,
                 const StridedOperands<3>& layout, int64_t self_dim_stride) {
  const std::vector<int64_t> values = values_on_host(index);
  std::vector<std::pair<int64_t, int64_t>> pairs;
  pairs.reserve(static_cast<size_t>(layout.numel));
  int64_t coordinates[kMaxDims] = {};
  for (int64_t i = 0; i < layout.numel; ++i) {
    int64_t offsets[3] = {0, 0, 0};
    for (int d = 0; d < layout.rank; ++d) {
      for (int t = 0; t < 3; ++t) offsets[t] += coordinates[d] * layout.strides[t][d];
    }
    pairs.emplace_back(offsets[0] + values[offsets[2]] * self_dim_stride, offsets[1]);
    for (int d = layout.rank - 1; d >= 0; --d) {
      if (++coordinates[d] < layout.shape[d]) break;
      coordinates[d] = 0;
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<int64_t> targets, starts, sources;
  for (size_t j = 0; j < pairs.size(); ++j) {
    if (j == 0 || pairs[j].first != pairs[j - 1].first) {
      targets.push_back(pairs[j].first);
      starts.push_back(static_cast<int64_t>(j));
    }
    sources.push_back(pairs[j].second);
  }
  starts.push_back(static_cast<int64_t>(pairs.size()));
  const auto on_device = [&](const std::vector<int64_t>& v) {
    return from_vector(v, {static_cast<int64_t>(v.size())},
                       {.dtype = kInt64, .device = self.device()});
  };
  const Tensor targets_d = on_device(targets), starts_d = on_device(starts),
               sources_d = on_device(sources);
  const auto groups = static_cast<int64_t>(targets.size());
  launch("grouped_add", grouped_add_kernel<T>, grid_for(groups), self.data<T>(), src.data<T>(),
         targets_d.data<int64_t>(), starts_d.data<int64_t>(), sources_d.data<int64_t>(), groups);
}

// `index` is contiguous; `index_strides` walk it over `shape`.
void run_scatter(const char* op, const Tensor& self, int dim, const Tensor& index,
                 const Tensor& src, const Shape& shape, const Strides& index_strides, bool add) {
  if (shape.product() == 0) return;
  const runtime::DeviceGuard guard(self.device().index);
  check_indices(op, index, self.shape()[dim], dim);
  const StridedOperands<3> layout =
      layout_of(shape, {without_dim(self, dim), src.strides(), index_strides});
  visit_dtype(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (add && deterministic_algorithms()) {
      grouped_add<T>(self, src, index, layout, self.strides()[dim]);
      return;
    }
    launch(op, scatter_kernel<T>, grid_for(layout.numel), self.data<T>(), src.data<T>(),
           index.data<int64_t>(), layout, self.strides()[dim], add);
  });
}

}  // namespace

void CudaBackend::index_select(const Tensor& out, const Tensor& in, int dim, const Tensor& index) {
  run_gather("index_select", out, in, dim, index, along_dim(index, out.dim(), dim));
}

void CudaBackend::gather(const Tensor& out, const Tensor& in, int dim, const Tensor& index) {
  run_gather("gather", out, in, dim, index, index.strides());
}

void CudaBackend::scatter(const Tensor& self, int dim, const Tensor& index, const Tensor& src,
                          ScatterMode mode) {
  run_scatter(mode == ScatterMode::Add ? "scatter_add" : "scatter", self, dim, index, src,
              index.shape(), index.strides(), mode == ScatterMode::Add);
}

void CudaBackend::index_add(const Tensor& self, int dim, const Tensor& index, const Tensor& src) {
  run_scatter("index_add", self, dim, index, src, src.shape(), along_dim(index, src.dim(), dim),
              true);
}

}  // namespace kiln::cuda
