#pragma once

// Elementwise iteration for CPU kernels: operands of one shape with any strides, walked in
// row-major order, split across threads. Contiguous runs go to a plain loop the compiler
// vectorises; strided and broadcast (zero-stride) runs are staged through small buffers
// so the compute loop is the same contiguous one, and so are large outputs, which then
// leave the buffer through streaming stores.
#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>
#include <utility>

#include "tensor/cpu/parallel.h"
#include "tensor/cpu/stream_store.h"
#include "tensor/tensor.h"

namespace kiln::cpu {

// Dims of the iteration, innermost first, with size-1 dims dropped and dims that are
// contiguous in every operand merged. Strides are in bytes.
template <int N>
struct StridedPlan {
  int rank = 0;
  int64_t numel = 0;
  std::array<int64_t, kMaxDims> sizes{};
  std::array<std::array<int64_t, N>, kMaxDims> strides{};
  std::array<char*, N> data{};
};

template <int N>
StridedPlan<N> make_plan(const std::array<const Tensor*, N>& operands) {
  StridedPlan<N> plan;
  const Shape& shape = operands[0]->shape();
  plan.numel = operands[0]->numel();
  for (int k = 0; k < N; ++k) plan.data[k] = static_cast<char*>(operands[k]->data_ptr());
  for (int d = shape.size() - 1; d >= 0; --d) {
    if (shape[d] == 1) continue;
    std::array<int64_t, N> strides;
    for (int k = 0; k < N; ++k) {
      strides[k] = operands[k]->strides()[d] * static_cast<int64_t>(itemsize(operands[k]->dtype()));
    }
    bool merges = plan.rank > 0;
    for (int k = 0; k < N && merges; ++k) {
      merges = strides[k] == plan.strides[plan.rank - 1][k] * plan.sizes[plan.rank - 1];
    }
    if (merges) {
      plan.sizes[plan.rank - 1] *= shape[d];
    } else {
      plan.sizes[plan.rank] = shape[d];
      plan.strides[plan.rank] = strides;
      ++plan.rank;
    }
  }
  if (plan.rank == 0) {  // a single element
    plan.rank = 1;
    plan.sizes[0] = 1;
    for (int k = 0; k < N; ++k) plan.strides[0][k] = itemsize(operands[k]->dtype());
  }
  return plan;
}

// Calls inner(data, inner_strides, n) for each run of the innermost dim within elements
// [begin, end) of the row-major order.
template <int N, typename Inner>
void run_range(const StridedPlan<N>& plan, int64_t begin, int64_t end, const Inner& inner) {
  std::array<int64_t, kMaxDims> index{};
  int64_t remainder = begin;
  for (int d = 0; d < plan.rank; ++d) {
    index[d] = remainder % plan.sizes[d];
    remainder /= plan.sizes[d];
  }
  while (begin < end) {
    std::array<char*, N> data = plan.data;
    for (int d = 0; d < plan.rank; ++d) {
      for (int k = 0; k < N; ++k) data[k] += index[d] * plan.strides[d][k];
    }
    const int64_t count = std::min(plan.sizes[0] - index[0], end - begin);
    inner(data, plan.strides[0], count);
    begin += count;
    index[0] += count;
    for (int d = 0; d + 1 < plan.rank && index[d] == plan.sizes[d]; ++d) {
      index[d] = 0;
      ++index[d + 1];
    }
  }
}

// Calls inner(data, inner_strides, n) over every element of the operands (all of one
// shape), in parallel when there are more than `grain` elements.
template <int N, typename Inner>
void for_each_strided(const std::array<const Tensor*, N>& operands, const Inner& inner,
                      int64_t grain = kParallelGrain) {
  const StridedPlan<N> plan = make_plan<N>(operands);
  parallel_for(plan.numel, grain,
               [&](int64_t begin, int64_t end) { run_range<N>(plan, begin, end, inner); });
}

inline constexpr int64_t kStageBlock = 256;

// Points at `count` values of a run with byte stride `stride`: the run itself when it is
// contiguous, else a copy in `buffer`.
template <typename T>
const T* stage(const char* data, int64_t stride, int64_t count, T* buffer) {
  if (stride == static_cast<int64_t>(sizeof(T))) return reinterpret_cast<const T*>(data);
  for (int64_t i = 0; i < count; ++i) buffer[i] = *reinterpret_cast<const T*>(data + i * stride);
  return buffer;
}

// out[i] = fn(inputs[0][i], inputs[1][i], ...) with the C++ types Out and In... of the
// operands, which all have out's shape (inputs broadcast beforehand).
template <typename Out, typename... In, typename Fn>
void map_elementwise(const Fn& fn, const Tensor& out,
                     const std::array<Tensor, sizeof...(In)>& inputs) {
  constexpr int N = 1 + sizeof...(In);
  std::array<const Tensor*, N> operands{&out};
  for (size_t k = 0; k < inputs.size(); ++k) operands[k + 1] = &inputs[k];
  const bool large_output = out.is_contiguous() && out.numel() * sizeof(Out) >= kStreamingBytes;
  for_each_strided<N>(operands, [&](const std::array<char*, N>& data,
                                    const std::array<int64_t, N>& strides, int64_t n) {
    // Short runs (a row broadcast over rows of a few dozen) are stored plainly: streaming
    // them leaves lines part streamed, part cached, which measured 20x slower.
    const bool streaming = large_output && n * sizeof(Out) >= kStreamingRunBytes;
    constexpr std::array<int64_t, N> item_sizes{sizeof(Out), sizeof(In)...};
    const auto compute = [&fn](Out* result, int64_t count, const In*... values) {
      for (int64_t i = 0; i < count; ++i) result[i] = fn(values[i]...);
    };
    // Element by element rather than std::array's ==, which calls memcmp once per run: a
    // cost that showed in profiles of row-broadcast ops (runs of a few dozen elements).
    const bool contiguous = [&]<size_t... K>(std::index_sequence<K...>) {
      return ((strides[K] == item_sizes[K]) && ...);
    }
    (std::make_index_sequence<N>{});
    if (contiguous && !streaming) {
      [&]<size_t... K>(std::index_sequence<K...>) {
        compute(reinterpret_cast<Out*>(data[0]), n, reinterpret_cast<const In*>(data[K + 1])...);
      }
      (std::index_sequence_for<In...>{});
      return;
    }
    std::tuple<std::array<In, kStageBlock>...> buffers;
    alignas(64) std::array<Out, kStageBlock> out_buffer;
    const bool out_direct = strides[0] == static_cast<int64_t>(sizeof(Out)) && !streaming;
    for (int64_t start = 0; start < n; start += kStageBlock) {
      const int64_t count = std::min(kStageBlock, n - start);
      char* destination = data[0] + start * strides[0];
      Out* result = out_direct ? reinterpret_cast<Out*>(destination) : out_buffer.data();
      [&]<size_t... K>(std::index_sequence<K...>) {
        compute(result, count,
                stage(data[K + 1] + start * strides[K + 1], strides[K + 1], count,
                      std::get<K>(buffers).data())...);
      }
      (std::index_sequence_for<In...>{});
      if (streaming) {
        stream_copy(destination, out_buffer.data(), count * sizeof(Out));
      } else if (!out_direct) {
        for (int64_t i = 0; i < count; ++i) {
          *reinterpret_cast<Out*>(destination + i * strides[0]) = out_buffer[i];
        }
      }
    }
    if (streaming) stream_fence();
  });
}

}  // namespace kiln::cpu
