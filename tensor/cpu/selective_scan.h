#pragma once

// What the CPU's selective_scan kernels share (tensor/cpu/selective_scan.cpp and
// selective_scan_backward.cpp): the operands as pointers, the split into tasks, and the
// per-step rows of B and C.
//
// Each task holds up to kSelectiveScanChannelBlock channels of one batch and group; within
// it, channels run two at a time (kLanes), since one channel's steps wait on each other
// (the state's multiply-add, the sum over states) while two channels' steps overlap in the
// core. The N states are padded to a compile-time kN (4 to 256) with A = B = C = 0, so that
// each step is a fixed number of full vector operations and its sum over states a tree of
// halvings; padded states stay 0 and add nothing.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "tensor/cpu/parallel.h"
#include "tensor/cpu/vec_math.h"
#include "tensor/ops_selective_scan.h"

namespace kiln::cpu::selective_scan {

inline constexpr int kLanes = 2;
inline constexpr int64_t kLargestState = 256;

template <typename T>
T exp_of(T x) {
  if constexpr (std::is_same_v<T, float>) {
    return exp_f32(x);
  } else {
    return std::exp(x);
  }
}

// exp(dt A) for the state decay; kDecays when dt A <= 0 for the whole row, where float32
// takes the cheaper exp (which flushes results below FLT_MIN to 0).
template <typename T, bool kDecays>
T decay_of(T x) {
  if constexpr (std::is_same_v<T, float> && kDecays) {
    return exp_nonpositive_f32(x);
  } else {
    return exp_of(x);
  }
}

template <typename T>
T softplus_of(T x) {
  if constexpr (std::is_same_v<T, float>) {
    return softplus_f32(x);
  } else {
    return x > T(20) ? x : std::log1p(std::exp(x));
  }
}

template <typename T>
T sigmoid_of(T x) {
  return T(1) / (T(1) + exp_of(-x));
}

// sum(p[0 .. kN)), by halving (fixed order); p is overwritten. Each halving has a
// compile-time width, so that it compiles to whole vector operations.
template <typename T, int kN>
T tree_sum(T* p) {
  if constexpr (kN == 1) {
    return p[0];
  } else {
#pragma omp simd
    for (int i = 0; i < kN / 2; ++i) p[i] += p[i + kN / 2];
    return tree_sum<T, kN / 2>(p);
  }
}

template <typename T>
const T* data_of(const Tensor& x) {
  return x.defined() ? static_cast<const T*>(x.data_ptr()) : nullptr;
}

template <typename T>
T* mutable_data_of(const Tensor& x) {
  return x.defined() ? static_cast<T*>(x.data_ptr()) : nullptr;
}

// The operands as pointers, and how the channels split into tasks.
template <typename T>
struct Scan {
  explicit Scan(const SelectiveScanOperands& in)
      : u(data_of<T>(in.u)),
        delta(data_of<T>(in.delta)),
        A(data_of<T>(in.A)),
        B(data_of<T>(in.B)),
        C(data_of<T>(in.C)),
        D(data_of<T>(in.D_skip)),
        z(data_of<T>(in.z)),
        bias(data_of<T>(in.delta_bias)),
        batch(in.batch()),
        channels(in.channels()),
        length(in.length()),
        state(in.state()),
        chunks(in.chunks()),
        b_varies(SelectiveScanOperands::varies(in.B)),
        c_varies(SelectiveScanOperands::varies(in.C)),
        groups(in.groups()),
        blocks_per_group(in.blocks_per_group()),
        softplus(in.delta_softplus) {}

  const T *u, *delta, *A, *B, *C, *D, *z, *bias;
  int64_t batch, channels, length, state, chunks;
  bool b_varies, c_varies;
  int64_t groups, blocks_per_group;
  bool softplus;

  int64_t tasks() const { return batch * groups * blocks_per_group; }
  int64_t row(int64_t b, int64_t d) const { return (b * channels + d) * length; }
  T skip(int64_t d) const { return D ? D[d] : T(0); }
};

// Channels [first, end) of batch b and group g; `block` is its index within the group.
struct Task {
  int64_t b, g, block, first, end;
};

template <typename T>
Task task_at(const Scan<T>& scan, int64_t index) {
  const int64_t per_group = scan.channels / scan.groups;
  Task task{};
  task.block = index % scan.blocks_per_group;
  task.g = index / scan.blocks_per_group % scan.groups;
  task.b = index / (scan.blocks_per_group * scan.groups);
  task.first = task.g * per_group + task.block * kSelectiveScanChannelBlock;
  task.end = std::min(task.first + kSelectiveScanChannelBlock, (task.g + 1) * per_group);
  return task;
}

// Tasks per oneTBB range: enough that a range outweighs scheduling it.
template <typename T>
int64_t task_grain(const Scan<T>& scan) {
  const int64_t work = kSelectiveScanChannelBlock * scan.length * std::max<int64_t>(scan.state, 1);
  return std::max<int64_t>(1, kParallelGrain / work);
}

// A task's B or C by step, padded to kN states: an input-dependent one transposed from
// [N, L] to [L, kN], a fixed one as the task's channels' rows [channel, kN].
template <typename T, int kN>
class PaddedRows {
 public:
  PaddedRows(const T* source, bool varies, const Scan<T>& scan)
      : source_(source),
        varies_(varies),
        rows_(static_cast<size_t>((varies ? scan.length : kSelectiveScanChannelBlock) * kN)) {}

  void load(const Scan<T>& scan, const Task& task) {
    const int64_t n_states = scan.state, steps = scan.length;
    std::fill(rows_.begin(), rows_.end(), T(0));
    if (varies_) {
      const T* group = source_ + (task.b * scan.groups + task.g) * n_states * steps;
      for (int64_t n = 0; n < n_states; ++n) {
        for (int64_t l = 0; l < steps; ++l) rows_[l * kN + n] = group[n * steps + l];
      }
    } else {
      for (int64_t d = task.first; d < task.end; ++d) {
        std::copy(source_ + d * n_states, source_ + (d + 1) * n_states,
                  rows_.begin() + (d - task.first) * kN);
      }
    }
    first_ = task.first;
  }
  // The row channel d reads at step l.
  const T* at(int64_t d, int64_t l) const { return rows_.data() + (varies_ ? l : d - first_) * kN; }
  bool varies() const { return varies_; }

 private:
  const T* source_;
  bool varies_;
  std::vector<T> rows_;
  int64_t first_ = 0;
};

// One channel of a lane pair: its A row padded to kN, and its steps dt.
template <typename T, int kN>
struct Lane {
  int64_t d = 0;
  alignas(64) T a[kN];
  std::vector<T> dt;
};

// dt_l = softplus(delta_l + bias) (or without softplus) for channel d's row, and A's row;
// returns whether dt A <= 0 at every step (A <= 0 and dt >= 0).
template <typename T, int kN>
bool load_lane(const Scan<T>& scan, int64_t b, int64_t d, Lane<T, kN>& lane) {
  lane.d = d;
  lane.dt.resize(static_cast<size_t>(scan.length));
  const T* delta = scan.delta + scan.row(b, d);
  const T shift = scan.bias ? scan.bias[d] : T(0);
  T* dt = lane.dt.data();
  if (scan.softplus) {
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) dt[l] = softplus_of(delta[l] + shift);
  } else {
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) dt[l] = delta[l] + shift;
  }
  std::fill(lane.a, lane.a + kN, T(0));
  std::copy(scan.A + d * scan.state, scan.A + (d + 1) * scan.state, lane.a);
  // Counted rather than min/max-reduced: integer sums vectorise.
  int64_t growing = 0;
#pragma omp simd reduction(+ : growing)
  for (int n = 0; n < kN; ++n) growing += lane.a[n] > T(0) ? 1 : 0;
#pragma omp simd reduction(+ : growing)
  for (int64_t l = 0; l < scan.length; ++l) growing += dt[l] < T(0) ? 1 : 0;
  return growing == 0;
}

// Calls body(integral_constant<int, kN>) with the padded state count for N.
template <typename Body>
void with_padded_state(int64_t state, const Body& body) {
  KILN_CHECK(state <= kLargestState, "selective_scan: the CPU kernels take N up to ", kLargestState,
             " states (mamba_ssm's bound), got ", state);
  if (state <= 4) return body(std::integral_constant<int, 4>{});
  if (state <= 8) return body(std::integral_constant<int, 8>{});
  if (state <= 16) return body(std::integral_constant<int, 16>{});
  if (state <= 32) return body(std::integral_constant<int, 32>{});
  if (state <= 64) return body(std::integral_constant<int, 64>{});
  if (state <= 128) return body(std::integral_constant<int, 128>{});
  return body(std::integral_constant<int, 256>{});
}

}  // namespace kiln::cpu::selective_scan
