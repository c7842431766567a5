// selective_scan's backward pass on the CPU. For each chunk of kSelectiveScanChunk steps,
// last chunk first, it recomputes the chunk's states from the checkpoint before it (keeping
// them and their decays exp(dt A) in L1) and runs the adjoint recurrence over the chunk in
// reverse, with gy = d_out silu(z) and h the gradient of the state:
//   h_l = gy_l C_l + exp(dt_{l+1} A) h_{l+1}       (h_L = the last state's gradient)
//   dB_l += h_l dt_l u_l,  dC_l += gy_l x_l,  dA += h_l dt_l exp(dt_l A) x_{l-1},
//   ddt_l = sum_n h_l (B_l u_l + A exp(dt_l A) x_{l-1}),  du_l = dt_l sum_n h_l B_l + D gy_l.
// Lanes, padding and tasks as in the forward pass (tensor/cpu/selective_scan.h); a task's
// channels add their input-dependent dB and dC into the task's [L, kN] rows in channel
// order, stored as the task's share for the front end to sum.
#include "tensor/cpu/selective_scan.h"

namespace kiln::cpu {

namespace {

using namespace selective_scan;

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

// One lane's working set: its rows gy and y (before D and the gate), one chunk's states
// (row 0 the checkpoint before it) and decays, the state's gradient h, and the sums for A,
// a fixed B or C, and D.
template <typename T, int kN>
struct LaneWork {
  explicit LaneWork(int64_t length)
      : gy(static_cast<size_t>(length)),
        y(static_cast<size_t>(length)),
        x(static_cast<size_t>((kSelectiveScanChunk + 1) * kN)),
        decay(static_cast<size_t>(kSelectiveScanChunk * kN)) {}
  std::vector<T> gy, y, x, decay;
  alignas(64) T h[kN], dA[kN], dB[kN], dC[kN];
  T dD = 0;
  T* du = nullptr;  // rows written: the channel's, or spare ones for a lone last channel
  T* ddt = nullptr;
};

// Sets up one lane: gy, h from the last state's gradient, zero sums. A spare lane (the copy
// of a lone last channel) gets gy = 0 and h = 0, so that it adds nothing to shared sums.
template <typename T, int kN>
void start_lane(const Scan<T>& scan, const GradPointers<T>& grads, int64_t b, int64_t d, bool real,
                LaneWork<T, kN>& work) {
  const int64_t offset = scan.row(b, d);
  const T* d_out = grads.d_out + offset;
  const T* z = scan.z ? scan.z + offset : nullptr;
  T* gy = work.gy.data();
  if (!real) {
    std::fill(work.gy.begin(), work.gy.end(), T(0));
  } else if (z) {
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) gy[l] = d_out[l] * z[l] * sigmoid_of(z[l]);
  } else {
    std::copy(d_out, d_out + scan.length, gy);
  }
  std::fill(work.h, work.h + kN, T(0));
  if (real && grads.d_last) {
    const T* d_last = grads.d_last + (b * scan.channels + d) * scan.state;
    std::copy(d_last, d_last + scan.state, work.h);
  }
  for (T* sums : {work.dA, work.dB, work.dC}) std::fill(sums, sums + kN, T(0));
  work.dD = 0;
}

// The states of steps [l0, l1) into work.x (row 0: the checkpoint before l0) and their
// decays; with z, also y_l (before D and the gate).
template <typename T, int kN, bool kDecays>
void recompute_chunk(const Scan<T>& scan, const PaddedRows<T, kN>& b_rows,
                     const PaddedRows<T, kN>& c_rows, const Lane<T, kN>& lane, int64_t b,
                     int64_t chunk, const T* states, LaneWork<T, kN>& work) {
  const int64_t l0 = chunk * kSelectiveScanChunk;
  const int64_t l1 = std::min(scan.length, l0 + kSelectiveScanChunk);
  const T* u = scan.u + scan.row(b, lane.d);
  T* x = work.x.data();
  std::fill(x, x + kN, T(0));
  if (chunk > 0) {
    const T* before =
        states + ((b * scan.channels + lane.d) * scan.chunks + chunk - 1) * scan.state;
    std::copy(before, before + scan.state, x);
  }
  alignas(64) T product[kN];
  for (int64_t l = l0; l < l1; ++l) {
    const T step = lane.dt[l], input = step * u[l];
    const T* b_l = b_rows.at(lane.d, l);
    const T* previous = x + (l - l0) * kN;
    T* next = x + (l - l0 + 1) * kN;
    T* decay = work.decay.data() + (l - l0) * kN;
#pragma omp simd
    for (int n = 0; n < kN; ++n) {
      decay[n] = decay_of<T, kDecays>(step * lane.a[n]);
      next[n] = decay[n] * previous[n] + input * b_l[n];
    }
    if (scan.z) {
      const T* c_l = c_rows.at(lane.d, l);
#pragma omp simd
      for (int n = 0; n < kN; ++n) product[n] = next[n] * c_l[n];
      work.y[l] = tree_sum<T, kN>(product);
    }
  }
}

// One step of the adjoint recurrence for one lane; db and dc are the rows it adds into.
template <typename T, int kN>
void adjoint_step(const Scan<T>& scan, const PaddedRows<T, kN>& b_rows,
                  const PaddedRows<T, kN>& c_rows, const Lane<T, kN>& lane, const T* u, int64_t l,
                  int64_t l0, T* db, T* dc, LaneWork<T, kN>& work) {
  const T step = lane.dt[l], gy = work.gy[l], input = step * u[l];
  const T* b_l = b_rows.at(lane.d, l);
  const T* c_l = c_rows.at(lane.d, l);
  const T* previous = work.x.data() + (l - l0) * kN;
  const T* current = previous + kN;
  const T* decay = work.decay.data() + (l - l0) * kN;
  alignas(64) T d_step[kN], d_input[kN];
  T* h = work.h;
  T* dA = work.dA;
#pragma omp simd
  for (int n = 0; n < kN; ++n) {
    const T adjoint = h[n] + gy * c_l[n];
    const T carried = adjoint * decay[n] * previous[n];
    dc[n] += gy * current[n];
    db[n] += adjoint * input;
    dA[n] += carried * step;
    d_step[n] = adjoint * b_l[n] * u[l] + carried * lane.a[n];
    d_input[n] = adjoint * b_l[n];
    h[n] = adjoint * decay[n];
  }
  work.du[l] = tree_sum<T, kN>(d_input) * step + gy * scan.skip(lane.d);
  work.ddt[l] = tree_sum<T, kN>(d_step);
  work.dD += gy * u[l];
}

// The input-dependent dB and dC rows [L, kN] of one task.
template <typename T, int kN>
struct TaskSums {
  TaskSums(const Scan<T>& scan)
      : dB(static_cast<size_t>(scan.b_varies ? scan.length * kN : 0)),
        dC(static_cast<size_t>(scan.c_varies ? scan.length * kN : 0)) {}
  std::vector<T> dB, dC;
};

template <typename T, int kN>
void reverse_chunk(const Scan<T>& scan, const PaddedRows<T, kN>& b_rows,
                   const PaddedRows<T, kN>& c_rows, const Lane<T, kN> (&lanes)[kLanes], int64_t b,
                   int64_t chunk, TaskSums<T, kN>& sums, LaneWork<T, kN>* (&work)[kLanes]) {
  const int64_t l0 = chunk * kSelectiveScanChunk;
  const int64_t l1 = std::min(scan.length, l0 + kSelectiveScanChunk);
  for (int64_t l = l1 - 1; l >= l0; --l) {
    for (int k = 0; k < kLanes; ++k) {
      LaneWork<T, kN>& w = *work[k];
      T* db = scan.b_varies ? sums.dB.data() + l * kN : w.dB;
      T* dc = scan.c_varies ? sums.dC.data() + l * kN : w.dC;
      adjoint_step(scan, b_rows, c_rows, lanes[k], scan.u + scan.row(b, lanes[k].d), l, l0, db, dc,
                   w);
    }
  }
}

// dz = d_out y silu'(z) and ddelta = ddt softplus'(delta + bias) over a real lane's row,
// and its per-channel sums.
template <typename T, int kN>
void finish_lane(const Scan<T>& scan, const GradPointers<T>& grads, int64_t b, int64_t d,
                 const LaneWork<T, kN>& work) {
  const int64_t offset = scan.row(b, d);
  const T* u = scan.u + offset;
  if (scan.z) {
    const T* z = scan.z + offset;
    const T* d_out = grads.d_out + offset;
    const T skip = scan.skip(d);
    const T* y = work.y.data();
    T* dz = grads.dz + offset;
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) {
      const T sig = sigmoid_of(z[l]);
      dz[l] = d_out[l] * (y[l] + skip * u[l]) * sig * (T(1) + z[l] * (T(1) - sig));
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
  const int64_t state_at = (b * scan.channels + d) * scan.state;
  std::copy(work.dA, work.dA + scan.state, grads.dA + state_at);
  if (!scan.b_varies) std::copy(work.dB, work.dB + scan.state, grads.dB + state_at);
  if (!scan.c_varies) std::copy(work.dC, work.dC + scan.state, grads.dC + state_at);
  grads.dD[b * scan.channels + d] = work.dD;
}

// A task's [L, kN] rows written as its [N, L] share of an input-dependent gradient.
template <typename T, int kN>
void store_share(const Scan<T>& scan, const Task& task, const std::vector<T>& rows, T* partial) {
  T* share = partial + ((task.b * scan.groups + task.g) * scan.blocks_per_group + task.block) *
                           scan.state * scan.length;
  for (int64_t n = 0; n < scan.state; ++n) {
    for (int64_t l = 0; l < scan.length; ++l) share[n * scan.length + l] = rows[l * kN + n];
  }
}

template <typename T, int kN>
struct TaskScratch {
  explicit TaskScratch(const Scan<T>& scan)
      : b_rows(scan.B, scan.b_varies, scan),
        c_rows(scan.C, scan.c_varies, scan),
        sums(scan),
        work{LaneWork<T, kN>(scan.length), LaneWork<T, kN>(scan.length)},
        spare(static_cast<size_t>(2 * scan.length)) {}
  PaddedRows<T, kN> b_rows, c_rows;
  TaskSums<T, kN> sums;
  Lane<T, kN> lanes[kLanes];
  static_assert(kLanes == 2, "work is initialised for two lanes");
  LaneWork<T, kN> work[kLanes];
  std::vector<T> spare;
};

template <typename T, int kN>
void backward_lanes(const Scan<T>& scan, const GradPointers<T>& grads, const T* states,
                    const Task& task, int64_t d0, TaskScratch<T, kN>& s) {
  bool decays = true;
  LaneWork<T, kN>* work[kLanes];
  for (int k = 0; k < kLanes; ++k) {
    const bool real = d0 + k < task.end;
    const int64_t d = real ? d0 + k : d0;
    decays = load_lane(scan, task.b, d, s.lanes[k]) && decays;
    work[k] = &s.work[k];
    start_lane(scan, grads, task.b, d, real, s.work[k]);
    s.work[k].du = real ? grads.du + scan.row(task.b, d) : s.spare.data();
    s.work[k].ddt = real ? grads.ddelta + scan.row(task.b, d) : s.spare.data() + scan.length;
  }
  for (int64_t chunk = scan.chunks - 1; chunk >= 0; --chunk) {
    for (int k = 0; k < kLanes; ++k) {
      if (decays) {
        recompute_chunk<T, kN, true>(scan, s.b_rows, s.c_rows, s.lanes[k], task.b, chunk, states,
                                     s.work[k]);
      } else {
        recompute_chunk<T, kN, false>(scan, s.b_rows, s.c_rows, s.lanes[k], task.b, chunk, states,
                                      s.work[k]);
      }
    }
    reverse_chunk(scan, s.b_rows, s.c_rows, s.lanes, task.b, chunk, s.sums, work);
  }
  for (int64_t d = d0; d < std::min(d0 + kLanes, task.end); ++d) {
    finish_lane(scan, grads, task.b, d, s.work[d - d0]);
  }
}

template <typename T>
void scan_backward(const SelectiveScanOperands& in, const Tensor& states, const Tensor& d_out,
                   const Tensor& d_last_state, const SelectiveScanGradBuffers& buffers) {
  const Scan<T> scan(in);
  const GradPointers<T> grads(buffers, d_out, d_last_state);
  const T* checkpoints = data_of<T>(states);
  with_padded_state(scan.state, [&](auto padded) {
    constexpr int kN = decltype(padded)::value;
    parallel_for(scan.tasks(), task_grain(scan), [&](int64_t begin, int64_t end) {
      TaskScratch<T, kN> scratch(scan);
      for (int64_t index = begin; index < end; ++index) {
        const Task task = task_at(scan, index);
        scratch.b_rows.load(scan, task);
        scratch.c_rows.load(scan, task);
        std::fill(scratch.sums.dB.begin(), scratch.sums.dB.end(), T(0));
        std::fill(scratch.sums.dC.begin(), scratch.sums.dC.end(), T(0));
        for (int64_t d0 = task.first; d0 < task.end; d0 += kLanes) {
          backward_lanes(scan, grads, checkpoints, task, d0, scratch);
        }
        if (scan.b_varies) store_share<T, kN>(scan, task, scratch.sums.dB, grads.dB);
        if (scan.c_varies) store_share<T, kN>(scan, task, scratch.sums.dC, grads.dC);
      }
    });
  });
}

void selective_scan_backward(const SelectiveScanOperands& in, const Tensor& states,
                             const Tensor& d_out, const Tensor& d_last_state,
                             const SelectiveScanGradBuffers& grads) {
  visit_floating(in.u.dtype(), [&](auto tag) {
    scan_backward<typename decltype(tag)::type>(in, states, d_out, d_last_state, grads);
  });
}

}  // namespace

KILN_REGISTER_KERNEL(selective_scan_backward_kernel, DeviceType::CPU, selective_scan_backward);

}  // namespace kiln::cpu
