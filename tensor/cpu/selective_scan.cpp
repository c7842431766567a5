// selective_scan on the CPU: sequential over steps within each channel, vectorised over the
// N states (which stay in L1), parallel over tasks of up to kSelectiveScanChannelBlock
// channels of one batch and group. A task first turns its group's input-dependent B and C
// from [N, L] to [L, N], so that each step reads one contiguous row; per-step softplus,
// gating and the softplus derivative run as separate vectorised passes over the row.
// The backward pass recomputes one chunk's states from the checkpoint before it (and its
// decays exp(dt A), kept for the chunk) and runs the adjoint recurrence over it in reverse:
//   h_l = C_l gy_l + exp(dt_{l+1} A) h_{l+1},   gy = d_out silu(z)
//   dB_l += h_l dt_l u_l,  dC_l += gy_l x_l,  dA += h_l dt_l exp(dt_l A) x_{l-1},
//   ddt_l = sum_n h_l (B_l u_l + A exp(dt_l A) x_{l-1}),  du_l = dt_l sum_n h_l B_l + D gy_l.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "tensor/cpu/parallel.h"
#include "tensor/cpu/vec_math.h"
#include "tensor/ops_selective_scan.h"

namespace kiln::cpu {

namespace {

template <typename T>
T exp_of(T x) {
  if constexpr (std::is_same_v<T, float>) {
    return exp_f32(x);
  } else {
    return std::exp(x);
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
        softplus(in.delta_softplus) {
    groups = b_varies ? in.B.size(1) : (c_varies ? in.C.size(1) : 1);
    blocks_per_group = selective_scan_blocks_per_group(channels, groups);
  }

  const T *u, *delta, *A, *B, *C, *D, *z, *bias;
  int64_t batch, channels, length, state, chunks, groups = 1, blocks_per_group = 1;
  bool b_varies, c_varies, softplus;

  int64_t tasks() const { return batch * groups * blocks_per_group; }
  int64_t row(int64_t b, int64_t d) const { return (b * channels + d) * length; }
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

// A task's B or C rows by step: an input-dependent one transposed to [L, N], a fixed one
// the channel's own row at every step.
template <typename T>
class StepRows {
 public:
  StepRows(const T* source, bool varies, const Scan<T>& scan) : source_(source), varies_(varies) {
    if (varies) rows_.resize(static_cast<size_t>(scan.length * scan.state));
  }
  void load(const Scan<T>& scan, int64_t b, int64_t groups, int64_t g) {
    if (!varies_) return;
    const int64_t n_states = scan.state, steps = scan.length;
    const T* group = source_ + (b * groups + g) * n_states * steps;
    for (int64_t n = 0; n < n_states; ++n) {
      for (int64_t l = 0; l < steps; ++l) rows_[l * n_states + n] = group[n * steps + l];
    }
  }
  const T* at(int64_t d, int64_t l, int64_t n_states) const {
    return varies_ ? rows_.data() + l * n_states : source_ + d * n_states;
  }

 private:
  const T* source_;
  bool varies_;
  std::vector<T> rows_;
};

// dt_l = softplus(delta_l + bias) (or without softplus) for one channel's row.
template <typename T>
void time_steps(const Scan<T>& scan, int64_t b, int64_t d, T* dt) {
  const T* delta = scan.delta + scan.row(b, d);
  const T shift = scan.bias ? scan.bias[d] : T(0);
  if (scan.softplus) {
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) dt[l] = softplus_of(delta[l] + shift);
  } else {
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) dt[l] = delta[l] + shift;
  }
}

template <typename T>
void forward_channel(const Scan<T>& scan, const StepRows<T>& b_rows, const StepRows<T>& c_rows,
                     int64_t b, int64_t d, T* dt, T* x, T* out, T* states) {
  const int64_t n_states = scan.state, steps = scan.length;
  time_steps(scan, b, d, dt);
  const T* u = scan.u + scan.row(b, d);
  const T* a = scan.A + d * n_states;
  std::fill(x, x + n_states, T(0));
  T* y = out + scan.row(b, d);
  T* checkpoint = states + (b * scan.channels + d) * scan.chunks * n_states;
  for (int64_t l = 0; l < steps; ++l) {
    const T step = dt[l], input = step * u[l];
    const T* b_l = b_rows.at(d, l, n_states);
    const T* c_l = c_rows.at(d, l, n_states);
    T sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t n = 0; n < n_states; ++n) {
      const T next = exp_of(step * a[n]) * x[n] + input * b_l[n];
      x[n] = next;
      sum += next * c_l[n];
    }
    y[l] = sum;
    if ((l + 1) % kSelectiveScanChunk == 0 || l + 1 == steps) {
      std::copy(x, x + n_states, checkpoint + l / kSelectiveScanChunk * n_states);
    }
  }
  const T skip = scan.D ? scan.D[d] : T(0);
  const T* z = scan.z ? scan.z + scan.row(b, d) : nullptr;
  if (z) {
#pragma omp simd
    for (int64_t l = 0; l < steps; ++l) y[l] = (y[l] + skip * u[l]) * z[l] * sigmoid_of(z[l]);
  } else {
#pragma omp simd
    for (int64_t l = 0; l < steps; ++l) y[l] += skip * u[l];
  }
}

template <typename T>
void scan_forward(const SelectiveScanOperands& in, const Tensor& out, const Tensor& states) {
  const Scan<T> scan(in);
  T* y = mutable_data_of<T>(out);
  T* checkpoints = mutable_data_of<T>(states);
  parallel_for(scan.tasks(), task_grain(scan), [&](int64_t begin, int64_t end) {
    StepRows<T> b_rows(scan.B, scan.b_varies, scan), c_rows(scan.C, scan.c_varies, scan);
    std::vector<T> dt(static_cast<size_t>(scan.length)), x(static_cast<size_t>(scan.state));
    for (int64_t index = begin; index < end; ++index) {
      const Task task = task_at(scan, index);
      b_rows.load(scan, task.b, scan.groups, task.g);
      c_rows.load(scan, task.b, scan.groups, task.g);
      for (int64_t d = task.first; d < task.end; ++d) {
        forward_channel(scan, b_rows, c_rows, task.b, d, dt.data(), x.data(), y, checkpoints);
      }
    }
  });
}

// One task's scratch for the backward pass, and the gradient buffers as pointers.
template <typename T>
struct BackwardScratch {
  explicit BackwardScratch(const Scan<T>& scan)
      : dt(static_cast<size_t>(scan.length)),
        gy(static_cast<size_t>(scan.length)),
        y(static_cast<size_t>(scan.length)),
        x(static_cast<size_t>((kSelectiveScanChunk + 1) * scan.state)),
        decay(static_cast<size_t>(kSelectiveScanChunk * scan.state)),
        h(static_cast<size_t>(scan.state)),
        dA(static_cast<size_t>(scan.state)),
        dB(static_cast<size_t>(scan.b_varies ? scan.length * scan.state : scan.state)),
        dC(static_cast<size_t>(scan.c_varies ? scan.length * scan.state : scan.state)) {}
  std::vector<T> dt, gy, y, x, decay, h, dA, dB, dC;
};

template <typename T>
struct GradPointers {
  GradPointers(const SelectiveScanGradBuffers& grads, const Tensor& d_out, const Tensor& d_last)
      : du(mutable_data_of<T>(grads.du)),
        ddelta(mutable_data_of<T>(grads.ddelta)),
        dA(mutable_data_of<T>(grads.dA)),
        dB(mutable_data_of<T>(grads.dB)),
        dC(mutable_data_of<T>(grads.dC)),
        dD(mutable_data_of<T>(grads.dD)),
        dz(mutable_data_of<T>(grads.dz)),
        d_out(data_of<T>(d_out)),
        d_last(data_of<T>(d_last)) {}
  T *du, *ddelta, *dA, *dB, *dC, *dD, *dz;
  const T *d_out, *d_last;
};

// Recomputes the states x_{l0-1} .. x_{l1-1} of one chunk into s.x (row 0 the checkpoint
// before it) and their decays into s.decay; with z, also y_l before gating into s.y.
template <typename T>
void recompute_chunk(const Scan<T>& scan, const StepRows<T>& b_rows, const StepRows<T>& c_rows,
                     int64_t b, int64_t d, int64_t chunk, const T* states, BackwardScratch<T>& s) {
  const int64_t n_states = scan.state;
  const int64_t l0 = chunk * kSelectiveScanChunk;
  const int64_t l1 = std::min(scan.length, l0 + kSelectiveScanChunk);
  const T* u = scan.u + scan.row(b, d);
  const T* a = scan.A + d * n_states;
  T* x = s.x.data();
  if (chunk == 0) {
    std::fill(x, x + n_states, T(0));
  } else {
    const T* before = states + ((b * scan.channels + d) * scan.chunks + chunk - 1) * n_states;
    std::copy(before, before + n_states, x);
  }
  for (int64_t l = l0; l < l1; ++l) {
    const T step = s.dt[l], input = step * u[l];
    const T* b_l = b_rows.at(d, l, n_states);
    const T* c_l = c_rows.at(d, l, n_states);
    const T* previous = x + (l - l0) * n_states;
    T* next = x + (l - l0 + 1) * n_states;
    T* decay = s.decay.data() + (l - l0) * n_states;
    T sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t n = 0; n < n_states; ++n) {
      decay[n] = exp_of(step * a[n]);
      next[n] = decay[n] * previous[n] + input * b_l[n];
      sum += next[n] * c_l[n];
    }
    s.y[l] = sum;
  }
}

// The adjoint recurrence over one recomputed chunk, last step first.
template <typename T>
void reverse_chunk(const Scan<T>& scan, const StepRows<T>& b_rows, const StepRows<T>& c_rows,
                   int64_t b, int64_t d, int64_t chunk, const GradPointers<T>& grads,
                   BackwardScratch<T>& s, T& dD) {
  const int64_t n_states = scan.state;
  const int64_t l0 = chunk * kSelectiveScanChunk;
  const int64_t l1 = std::min(scan.length, l0 + kSelectiveScanChunk);
  const T* u = scan.u + scan.row(b, d);
  const T* a = scan.A + d * n_states;
  const T skip = scan.D ? scan.D[d] : T(0);
  T* du = grads.du + scan.row(b, d);
  T* ddt = grads.ddelta + scan.row(b, d);
  T* h = s.h.data();
  T* dA = s.dA.data();
  for (int64_t l = l1 - 1; l >= l0; --l) {
    const T step = s.dt[l], gy = s.gy[l], input = step * u[l];
    const T* b_l = b_rows.at(d, l, n_states);
    const T* c_l = c_rows.at(d, l, n_states);
    T* db = scan.b_varies ? s.dB.data() + l * n_states : s.dB.data();
    T* dc = scan.c_varies ? s.dC.data() + l * n_states : s.dC.data();
    const T* previous = s.x.data() + (l - l0) * n_states;
    const T* current = previous + n_states;
    const T* decay = s.decay.data() + (l - l0) * n_states;
    T d_step = 0, d_input = 0;
#pragma omp simd reduction(+ : d_step, d_input)
    for (int64_t n = 0; n < n_states; ++n) {
      const T adjoint = h[n] + gy * c_l[n];
      const T carried = adjoint * decay[n] * previous[n];
      dc[n] += gy * current[n];
      db[n] += adjoint * input;
      dA[n] += carried * step;
      d_step += adjoint * b_l[n] * u[l] + carried * a[n];
      d_input += adjoint * b_l[n];
      h[n] = adjoint * decay[n];
    }
    du[l] = d_input * step + gy * skip;
    ddt[l] = d_step;
    dD += gy * u[l];
  }
}

// The passes over one channel's row before and after its chunks: gy = d_out silu(z) before;
// after, dz = d_out y silu'(z) and ddelta = ddt softplus'(delta + bias).
template <typename T>
void gate_gradient(const Scan<T>& scan, int64_t b, int64_t d, const GradPointers<T>& grads,
                   BackwardScratch<T>& s) {
  const T* d_out = grads.d_out + scan.row(b, d);
  const T* z = scan.z ? scan.z + scan.row(b, d) : nullptr;
  if (!z) {
    std::copy(d_out, d_out + scan.length, s.gy.begin());
    return;
  }
#pragma omp simd
  for (int64_t l = 0; l < scan.length; ++l) s.gy[l] = d_out[l] * z[l] * sigmoid_of(z[l]);
}

template <typename T>
void finish_row(const Scan<T>& scan, int64_t b, int64_t d, const GradPointers<T>& grads,
                BackwardScratch<T>& s) {
  const int64_t offset = scan.row(b, d);
  const T* u = scan.u + offset;
  if (scan.z) {
    const T* z = scan.z + offset;
    const T* d_out = grads.d_out + offset;
    const T skip = scan.D ? scan.D[d] : T(0);
    T* dz = grads.dz + offset;
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) {
      const T sig = sigmoid_of(z[l]);
      dz[l] = d_out[l] * (s.y[l] + skip * u[l]) * sig * (T(1) + z[l] * (T(1) - sig));
    }
  }
  if (scan.softplus) {
    const T* delta = scan.delta + offset;
    const T shift = scan.bias ? scan.bias[d] : T(0);
    T* ddt = grads.ddelta + offset;
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) {
      const T shifted = delta[l] + shift;
      ddt[l] *= shifted > T(20) ? T(1) : sigmoid_of(shifted);
    }
  }
}

template <typename T>
void backward_channel(const Scan<T>& scan, const StepRows<T>& b_rows, const StepRows<T>& c_rows,
                      int64_t b, int64_t d, const T* states, const GradPointers<T>& grads,
                      BackwardScratch<T>& s) {
  const int64_t n_states = scan.state;
  const int64_t state_offset = (b * scan.channels + d) * n_states;
  time_steps(scan, b, d, s.dt.data());
  gate_gradient(scan, b, d, grads, s);
  if (grads.d_last) {
    std::copy(grads.d_last + state_offset, grads.d_last + state_offset + n_states, s.h.begin());
  } else {
    std::fill(s.h.begin(), s.h.end(), T(0));
  }
  std::fill(s.dA.begin(), s.dA.end(), T(0));
  if (!scan.b_varies) std::fill(s.dB.begin(), s.dB.end(), T(0));
  if (!scan.c_varies) std::fill(s.dC.begin(), s.dC.end(), T(0));
  T dD = 0;
  for (int64_t chunk = scan.chunks - 1; chunk >= 0; --chunk) {
    recompute_chunk(scan, b_rows, c_rows, b, d, chunk, states, s);
    reverse_chunk(scan, b_rows, c_rows, b, d, chunk, grads, s, dD);
  }
  finish_row(scan, b, d, grads, s);
  std::copy(s.dA.begin(), s.dA.end(), grads.dA + state_offset);
  grads.dD[b * scan.channels + d] = dD;
  if (!scan.b_varies) std::copy(s.dB.begin(), s.dB.end(), grads.dB + state_offset);
  if (!scan.c_varies) std::copy(s.dC.begin(), s.dC.end(), grads.dC + state_offset);
}

// A task's summed [L, N] gradient of an input-dependent B or C, written as its [N, L] share.
template <typename T>
void store_block_share(const Scan<T>& scan, const Task& task, const std::vector<T>& rows,
                       T* partial) {
  const int64_t n_states = scan.state, steps = scan.length;
  T* share = partial + ((task.b * scan.groups + task.g) * scan.blocks_per_group + task.block) *
                           n_states * steps;
  for (int64_t n = 0; n < n_states; ++n) {
    for (int64_t l = 0; l < steps; ++l) share[n * steps + l] = rows[l * n_states + n];
  }
}

template <typename T>
void scan_backward(const SelectiveScanOperands& in, const Tensor& states, const Tensor& d_out,
                   const Tensor& d_last_state, const SelectiveScanGradBuffers& buffers) {
  const Scan<T> scan(in);
  const GradPointers<T> grads(buffers, d_out, d_last_state);
  const T* checkpoints = data_of<T>(states);
  parallel_for(scan.tasks(), task_grain(scan), [&](int64_t begin, int64_t end) {
    StepRows<T> b_rows(scan.B, scan.b_varies, scan), c_rows(scan.C, scan.c_varies, scan);
    BackwardScratch<T> scratch(scan);
    for (int64_t index = begin; index < end; ++index) {
      const Task task = task_at(scan, index);
      b_rows.load(scan, task.b, scan.groups, task.g);
      c_rows.load(scan, task.b, scan.groups, task.g);
      if (scan.b_varies) std::fill(scratch.dB.begin(), scratch.dB.end(), T(0));
      if (scan.c_varies) std::fill(scratch.dC.begin(), scratch.dC.end(), T(0));
      for (int64_t d = task.first; d < task.end; ++d) {
        backward_channel(scan, b_rows, c_rows, task.b, d, checkpoints, grads, scratch);
      }
      if (scan.b_varies) store_block_share(scan, task, scratch.dB, grads.dB);
      if (scan.c_varies) store_block_share(scan, task, scratch.dC, grads.dC);
    }
  });
}

void selective_scan_forward(const SelectiveScanOperands& in, const Tensor& out,
                            const Tensor& states) {
  visit_floating(in.u.dtype(),
                 [&](auto tag) { scan_forward<typename decltype(tag)::type>(in, out, states); });
}

void selective_scan_backward(const SelectiveScanOperands& in, const Tensor& states,
                             const Tensor& d_out, const Tensor& d_last_state,
                             const SelectiveScanGradBuffers& grads) {
  visit_floating(in.u.dtype(), [&](auto tag) {
    scan_backward<typename decltype(tag)::type>(in, states, d_out, d_last_state, grads);
  });
}

}  // namespace

KILN_REGISTER_KERNEL(selective_scan_forward_kernel, DeviceType::CPU, selective_scan_forward);
KILN_REGISTER_KERNEL(selective_scan_backward_kernel, DeviceType::CPU, selective_scan_backward);

}  // namespace kiln::cpu
