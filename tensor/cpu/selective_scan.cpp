// selective_scan's forward pass on the CPU: sequential over the steps of each channel (the
// scan is a first-order recurrence; a parallel prefix scan over L would double the work to
// gain parallelism that Bt x D channels already give), vectorised over the padded states,
// two channels interleaved (tensor/cpu/selective_scan.h). Softplus, the skip term and the
// gate run as vectorised passes over each row before and after the recurrence; the state
// is stored at the end of every kSelectiveScanChunk steps for the backward pass.
#include "tensor/cpu/selective_scan.h"

namespace kiln::cpu {

namespace {

using namespace selective_scan;

// out += D u, then out *= silu(z), over channel d's row.
template <typename T>
void finish_output(const Scan<T>& scan, int64_t b, int64_t d, T* y) {
  const T* u = scan.u + scan.row(b, d);
  const T skip = scan.skip(d);
  if (scan.z) {
    const T* z = scan.z + scan.row(b, d);
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) y[l] = (y[l] + skip * u[l]) * z[l] * sigmoid_of(z[l]);
  } else {
#pragma omp simd
    for (int64_t l = 0; l < scan.length; ++l) y[l] += skip * u[l];
  }
}

// Where a lane's results go: its rows of out and of the checkpoints (scratch for the copy
// of a lone last channel).
template <typename T>
struct LaneOutput {
  T* y;
  T* checkpoints;
};

template <typename T, int kN, bool kDecays>
void scan_lanes(const Scan<T>& scan, const PaddedRows<T, kN>& b_rows,
                const PaddedRows<T, kN>& c_rows, const Lane<T, kN> (&lanes)[kLanes],
                const T* const (&u)[kLanes], const LaneOutput<T> (&outputs)[kLanes]) {
  alignas(64) T x[kLanes][kN] = {};
  alignas(64) T product[kLanes][kN];
  for (int64_t l = 0; l < scan.length; ++l) {
    // Both lanes' updates first, then both sums: nothing of one waits on the other.
    for (int k = 0; k < kLanes; ++k) {
      const Lane<T, kN>& lane = lanes[k];
      const T step = lane.dt[l], input = step * u[k][l];
      const T* b_l = b_rows.at(lane.d, l);
      const T* c_l = c_rows.at(lane.d, l);
      T* state = x[k];
      T* p = product[k];
#pragma omp simd
      for (int n = 0; n < kN; ++n) {
        const T next = decay_of<T, kDecays>(step * lane.a[n]) * state[n] + input * b_l[n];
        state[n] = next;
        p[n] = next * c_l[n];
      }
    }
    for (int k = 0; k < kLanes; ++k) outputs[k].y[l] = tree_sum<T, kN>(product[k]);
    if ((l + 1) % kSelectiveScanChunk == 0 || l + 1 == scan.length) {
      for (int k = 0; k < kLanes; ++k) {
        std::copy(x[k], x[k] + scan.state,
                  outputs[k].checkpoints + l / kSelectiveScanChunk * scan.state);
      }
    }
  }
}

template <typename T, int kN>
void forward_task(const Scan<T>& scan, const Task& task, PaddedRows<T, kN>& b_rows,
                  PaddedRows<T, kN>& c_rows, Lane<T, kN> (&lanes)[kLanes], std::vector<T>& spare,
                  T* out, T* states) {
  b_rows.load(scan, task);
  c_rows.load(scan, task);
  for (int64_t d0 = task.first; d0 < task.end; d0 += kLanes) {
    bool decays = true;
    const T* u[kLanes];
    LaneOutput<T> outputs[kLanes];
    for (int k = 0; k < kLanes; ++k) {
      const bool real = d0 + k < task.end;
      const int64_t d = real ? d0 + k : d0;  // a lone last channel runs twice, once to spare
      decays = load_lane(scan, task.b, d, lanes[k]) && decays;
      u[k] = scan.u + scan.row(task.b, d);
      outputs[k] =
          real ? LaneOutput<T>{out + scan.row(task.b, d),
                               states + (task.b * scan.channels + d) * scan.chunks * scan.state}
               : LaneOutput<T>{spare.data(), spare.data() + scan.length};
    }
    if (decays) {
      scan_lanes<T, kN, true>(scan, b_rows, c_rows, lanes, u, outputs);
    } else {
      scan_lanes<T, kN, false>(scan, b_rows, c_rows, lanes, u, outputs);
    }
    for (int64_t d = d0; d < std::min(d0 + kLanes, task.end); ++d) {
      finish_output(scan, task.b, d, out + scan.row(task.b, d));
    }
  }
}

template <typename T>
void scan_forward(const SelectiveScanOperands& in, const Tensor& out, const Tensor& states) {
  const Scan<T> scan(in);
  T* y = mutable_data_of<T>(out);
  T* checkpoints = mutable_data_of<T>(states);
  with_padded_state(scan.state, [&](auto padded) {
    constexpr int kN = decltype(padded)::value;
    parallel_for(scan.tasks(), task_grain(scan), [&](int64_t begin, int64_t end) {
      PaddedRows<T, kN> b_rows(scan.B, scan.b_varies, scan), c_rows(scan.C, scan.c_varies, scan);
      Lane<T, kN> lanes[kLanes];
      std::vector<T> spare(static_cast<size_t>(scan.length + scan.chunks * scan.state));
      for (int64_t index = begin; index < end; ++index) {
        forward_task(scan, task_at(scan, index), b_rows, c_rows, lanes, spare, y, checkpoints);
      }
    });
  });
}

void selective_scan_forward(const SelectiveScanOperands& in, const Tensor& out,
                            const Tensor& states) {
  visit_floating(in.u.dtype(),
                 [&](auto tag) { scan_forward<typename decltype(tag)::type>(in, out, states); });
}

}  // namespace

KILN_REGISTER_KERNEL(selective_scan_forward_kernel, DeviceType::CPU, selective_scan_forward);

}  // namespace kiln::cpu
