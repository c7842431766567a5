// selective_scan on CUDA, laid out as mamba_ssm's kernels are: one block per (batch,
// channel block) of kSelectiveScanChannelBlock threads, thread t owning channel first + t
// with its N states in registers; the sequence runs through shared memory in tiles of
// kTile steps of the group's B and C. The backward pass takes each 64-step checkpoint
// chunk in reverse: it recomputes the chunk forward, keeping the state at every tile's
// start, then recomputes each tile's states (in reverse tile order) and runs the adjoint
// recurrence of tensor/cpu/selective_scan.cpp over them. Input-dependent B and C gradients
// are summed over the block's channels in shared memory, in a fixed order (deterministic).
#include <cmath>
#include <type_traits>

#include "tensor/cuda/kernel.h"
#include "tensor/cuda/strided.h"
#include "tensor/ops_selective_scan.h"

namespace kiln::cuda {

namespace {

constexpr int kTile = 8;
constexpr int kTilesPerChunk = kSelectiveScanChunk / kTile;
constexpr int kThreads = kSelectiveScanChannelBlock;

struct ScanShape {
  int64_t batch, channels, length, state, chunks, groups, blocks_per_group;
  bool b_varies, c_varies, softplus;
};

template <typename T>
struct ScanArgs {
  const T *u, *delta, *A, *B, *C, *D, *z, *bias;
  ScanShape s;
};

template <typename T>
struct GradArgs {
  T *du, *ddelta, *dA, *dB, *dC, *dD, *dz;
  const T *d_out, *d_last;
};

template <typename T>
__device__ T sigmoid_of(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

// Where this block's channels are: batch b, group g, block index within the group.
struct BlockPlace {
  int64_t b, g, block, first, end;
};

__device__ BlockPlace place_of(const ScanShape& s) {
  const int64_t per_group = s.channels / s.groups;
  BlockPlace p{};
  p.b = blockIdx.y;
  p.g = blockIdx.x / s.blocks_per_group;
  p.block = blockIdx.x % s.blocks_per_group;
  p.first = p.g * per_group + p.block * kThreads;
  const int64_t group_end = (p.g + 1) * per_group;
  p.end = p.first + kThreads < group_end ? p.first + kThreads : group_end;
  return p;
}

// Stages steps [l0, l0 + kTile) of an input-dependent B or C of group (b, g) into a shared
// [kTile, N] tile (zeros past the end); all threads take part.
template <typename T, typename Shared>
__device__ void stage_tile(Shared& shared, int64_t offset, const T* source, const ScanShape& s,
                           const BlockPlace& p, int64_t l0) {
  const T* group = source + (p.b * s.groups + p.g) * s.state * s.length;
  for (int64_t i = threadIdx.x; i < kTile * s.state; i += blockDim.x) {
    const int64_t step = i / s.state, n = i % s.state, l = l0 + step;
    shared[offset + i] = l < s.length ? group[n * s.length + l] : T(0);
  }
}

// B or C at a step: from the shared tile when input-dependent, else the channel's row.
template <typename T, typename Shared>
__device__ T projection(const Shared& shared, int64_t offset, const T* fixed, bool varies,
                        int64_t d, int64_t step_in_tile, int64_t n, int64_t state) {
  return varies ? static_cast<T>(shared[offset + step_in_tile * state + n]) : fixed[d * state + n];
}

template <typename T>
__device__ T time_step(const ScanArgs<T>& a, int64_t d, int64_t at) {
  const T shifted = a.delta[at] + (a.bias ? a.bias[d] : T(0));
  if (!a.s.softplus) return shifted;
  return shifted > T(20) ? shifted : std::log1p(std::exp(shifted));
}

template <typename T, int kMaxState>
__global__ void scan_forward_kernel(ScanArgs<T> a, T* out, T* states) {
  KILN_DYNAMIC_SHARED(T, shared);
  const ScanShape& s = a.s;
  const BlockPlace p = place_of(s);
  const int64_t d = p.first + threadIdx.x;
  const bool active = d < p.end;
  const int64_t b_at = 0, c_at = kTile * s.state;
  T x[kMaxState];
  for (int n = 0; n < kMaxState; ++n) x[n] = T(0);
  const int64_t row = (p.b * s.channels + d) * s.length;
  for (int64_t l0 = 0; l0 < s.length; l0 += kTile) {
    if (s.b_varies) stage_tile(shared, b_at, a.B, s, p, l0);
    if (s.c_varies) stage_tile(shared, c_at, a.C, s, p, l0);
    __syncthreads();
    for (int64_t j = 0; j < kTile && l0 + j < s.length && active; ++j) {
      const int64_t l = l0 + j;
      const T step = time_step(a, d, row + l), input = step * a.u[row + l];
      T y = 0;
      for (int64_t n = 0; n < s.state; ++n) {
        const T bn = projection(shared, b_at, a.B, s.b_varies, d, j, n, s.state);
        const T cn = projection(shared, c_at, a.C, s.c_varies, d, j, n, s.state);
        x[n] = std::exp(step * a.A[d * s.state + n]) * x[n] + input * bn;
        y += x[n] * cn;
      }
      y += (a.D ? a.D[d] : T(0)) * a.u[row + l];
      out[row + l] = a.z ? y * a.z[row + l] * sigmoid_of(a.z[row + l]) : y;
      if ((l + 1) % kSelectiveScanChunk == 0 || l + 1 == s.length) {
        T* checkpoint =
            states + ((p.b * s.channels + d) * s.chunks + l / kSelectiveScanChunk) * s.state;
        for (int64_t n = 0; n < s.state; ++n) checkpoint[n] = x[n];
      }
    }
    __syncthreads();
  }
}

// One thread's registers in the backward pass.
template <typename T, int kMaxState>
struct Adjoint {
  T h[kMaxState], dA[kMaxState], dB[kMaxState], dC[kMaxState];
  T tile_start[kTilesPerChunk][kMaxState];  // state before each tile of the chunk
  T x[kTile + 1][kMaxState];                // one tile's states, row 0 the one before it
  T dD;
};

// Advances x over the steps of one staged tile; with `keep`, into adjoint.x's rows.
template <typename T, int kMaxState, typename Shared>
__device__ void advance_tile(const ScanArgs<T>& a, const Shared& shared, int64_t d, int64_t row,
                             int64_t l0, T* x, T (*keep)[kMaxState]) {
  const ScanShape& s = a.s;
  for (int64_t j = 0; j < kTile && l0 + j < s.length; ++j) {
    const T step = time_step(a, d, row + l0 + j), input = step * a.u[row + l0 + j];
    for (int64_t n = 0; n < s.state; ++n) {
      const T bn = projection(shared, 0, a.B, s.b_varies, d, j, n, s.state);
      x[n] = std::exp(step * a.A[d * s.state + n]) * x[n] + input * bn;
      if (keep) keep[j + 1][n] = x[n];
    }
  }
}

template <typename T, int kMaxState>
__global__ void scan_backward_kernel(ScanArgs<T> a, GradArgs<T> g, const T* states) {
  KILN_DYNAMIC_SHARED(T, shared);
  const ScanShape& s = a.s;
  const BlockPlace p = place_of(s);
  const int64_t d = p.first + threadIdx.x;
  const bool active = d < p.end;
  const int64_t dd = active ? d : p.first;  // idle threads read a valid channel, write nothing
  const int64_t N = s.state, b_at = 0, c_at = kTile * N, share_at = 2 * kTile * N;
  const int64_t channel = p.b * s.channels + dd;
  const int64_t row = channel * s.length, state_at = channel * N;
  Adjoint<T, kMaxState> r;
  for (int64_t n = 0; n < N; ++n) {
    r.h[n] = g.d_last && active ? g.d_last[state_at + n] : T(0);
    r.dA[n] = r.dB[n] = r.dC[n] = T(0);
  }
  r.dD = T(0);
  const T skip = a.D ? a.D[dd] : T(0);
  for (int64_t chunk = s.chunks - 1; chunk >= 0; --chunk) {
    const int64_t c0 = chunk * kSelectiveScanChunk;
    T x[kMaxState];
    for (int64_t n = 0; n < N; ++n) {
      x[n] = chunk == 0 ? T(0) : states[(channel * s.chunks + chunk - 1) * N + n];
    }
    for (int t = 0; t < kTilesPerChunk; ++t) {
      for (int64_t n = 0; n < N; ++n) r.tile_start[t][n] = x[n];
      if (s.b_varies) stage_tile(shared, b_at, a.B, s, p, c0 + t * kTile);
      __syncthreads();
      advance_tile<T, kMaxState>(a, shared, dd, row, c0 + t * kTile, x, nullptr);
      __syncthreads();
    }
    for (int t = kTilesPerChunk - 1; t >= 0; --t) {
      const int64_t l0 = c0 + t * kTile;
      if (s.b_varies) stage_tile(shared, b_at, a.B, s, p, l0);
      if (s.c_varies) stage_tile(shared, c_at, a.C, s, p, l0);
      __syncthreads();
      for (int64_t n = 0; n < N; ++n) x[n] = r.x[0][n] = r.tile_start[t][n];
      advance_tile<T, kMaxState>(a, shared, dd, row, l0, x, r.x);
      for (int64_t j = kTile - 1; j >= 0; --j) {
        const int64_t l = l0 + j;
        const bool in_range = l < s.length;
        if (in_range) {
          const T z = a.z ? a.z[row + l] : T(0);
          const T gate = a.z ? z * sigmoid_of(z) : T(1);
          const T gy = active ? g.d_out[row + l] * gate : T(0);
          const T step = time_step(a, dd, row + l), u = a.u[row + l], input = step * u;
          T d_step = 0, d_input = 0, y = 0;
          for (int64_t n = 0; n < N; ++n) {
            const T bn = projection(shared, b_at, a.B, s.b_varies, dd, j, n, N);
            const T cn = projection(shared, c_at, a.C, s.c_varies, dd, j, n, N);
            const T an = a.A[dd * N + n], decay = std::exp(step * an);
            const T adjoint = r.h[n] + gy * cn;
            const T carried = adjoint * decay * r.x[j][n];
            const T dc = gy * r.x[j + 1][n], db = adjoint * input;
            y += r.x[j + 1][n] * cn;
            if (s.b_varies) {
              shared[share_at + threadIdx.x * N + n] = db;
            } else {
              r.dB[n] += db;
            }
            if (s.c_varies) {
              shared[share_at + (kThreads + threadIdx.x) * N + n] = dc;
            } else {
              r.dC[n] += dc;
            }
            r.dA[n] += carried * step;
            d_step += adjoint * bn * u + carried * an;
            d_input += adjoint * bn;
            r.h[n] = adjoint * decay;
          }
          r.dD += gy * u;
          if (active) {
            g.du[row + l] = d_input * step + gy * skip;
            const T shifted = a.delta[row + l] + (a.bias ? a.bias[dd] : T(0));
            const T softplus_slope = !s.softplus || shifted > T(20) ? T(1) : sigmoid_of(shifted);
            g.ddelta[row + l] = d_step * softplus_slope;
            if (a.z) {
              const T sig = sigmoid_of(z);
              g.dz[row + l] = g.d_out[row + l] * (y + skip * u) * sig * (T(1) + z * (T(1) - sig));
            }
          }
        }
        if (s.b_varies || s.c_varies) {
          __syncthreads();
          // Each input-dependent gradient summed over the block's channels, in channel order.
          for (int64_t i = threadIdx.x; i < 2 * N; i += blockDim.x) {
            const bool is_c = i >= N;
            const int64_t n = is_c ? i - N : i;
            if (!in_range || !(is_c ? s.c_varies : s.b_varies)) continue;
            T total = 0;
            for (int64_t t2 = 0; t2 < p.end - p.first; ++t2) {
              total += shared[share_at + ((is_c ? kThreads : 0) + t2) * N + n];
            }
            T* partial = is_c ? g.dC : g.dB;
            partial[(((p.b * s.groups + p.g) * s.blocks_per_group + p.block) * N + n) * s.length +
                    l] = total;
          }
          __syncthreads();
        }
      }
      __syncthreads();
    }
  }
  if (!active) return;
  for (int64_t n = 0; n < N; ++n) {
    g.dA[state_at + n] = r.dA[n];
    if (!s.b_varies) g.dB[state_at + n] = r.dB[n];
    if (!s.c_varies) g.dC[state_at + n] = r.dC[n];
  }
  g.dD[p.b * s.channels + d] = r.dD;
}

template <typename T>
ScanArgs<T> args_of(const SelectiveScanOperands& in) {
  const bool b_varies = SelectiveScanOperands::varies(in.B);
  const bool c_varies = SelectiveScanOperands::varies(in.C);
  const ScanShape s{in.batch(),  in.channels(),         in.length(), in.state(), in.chunks(),
                    in.groups(), in.blocks_per_group(), b_varies,    c_varies,   in.delta_softplus};
  return {data_or_null<T>(in.u), data_or_null<T>(in.delta),      data_or_null<T>(in.A),
          data_or_null<T>(in.B), data_or_null<T>(in.C),          data_or_null<T>(in.D_skip),
          data_or_null<T>(in.z), data_or_null<T>(in.delta_bias), s};
}

LaunchShape scan_launch(const ScanShape& s, size_t shared_elements, size_t element_bytes) {
  return {
      dim3(static_cast<unsigned>(s.groups * s.blocks_per_group), static_cast<unsigned>(s.batch)),
      dim3(kThreads), shared_elements * element_bytes};
}

// The kernels keep N states per thread in registers, so N has a compile-time bound.
constexpr int64_t kLargestState = 64;

template <typename Body>
void with_state_bound(const SelectiveScanOperands& in, const Body& body) {
  KILN_CHECK(in.state() <= kLargestState, "selective_scan: the CUDA kernels take N up to ",
             kLargestState, " states, got ", in.state());
  if (in.state() <= 16) {
    body(std::integral_constant<int, 16>{});
  } else {
    body(std::integral_constant<int, kLargestState>{});
  }
}

void selective_scan_forward(const SelectiveScanOperands& in, const Tensor& out,
                            const Tensor& states) {
  const runtime::DeviceGuard guard(in.u.device().index);
  visit_floating(in.u.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const ScanArgs<T> a = args_of<T>(in);
    with_state_bound(in, [&](auto bound) {
      launch("selective_scan_forward", scan_forward_kernel<T, decltype(bound)::value>,
             scan_launch(a.s, 2 * kTile * a.s.state, sizeof(T)), a, out.data<T>(),
             states.data<T>());
    });
  });
}

void selective_scan_backward(const SelectiveScanOperands& in, const Tensor& states,
                             const Tensor& d_out, const Tensor& d_last_state,
                             const SelectiveScanGradBuffers& grads) {
  const runtime::DeviceGuard guard(in.u.device().index);
  visit_floating(in.u.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const ScanArgs<T> a = args_of<T>(in);
    const GradArgs<T> g{
        data_or_null<T>(grads.du), data_or_null<T>(grads.ddelta), data_or_null<T>(grads.dA),
        data_or_null<T>(grads.dB), data_or_null<T>(grads.dC),     data_or_null<T>(grads.dD),
        data_or_null<T>(grads.dz), data_or_null<T>(d_out),        data_or_null<T>(d_last_state)};
    with_state_bound(in, [&](auto bound) {
      launch("selective_scan_backward", scan_backward_kernel<T, decltype(bound)::value>,
             scan_launch(a.s, 2 * kTile * a.s.state + 2 * kThreads * a.s.state, sizeof(T)), a, g,
             states.data<T>());
    });
  });
}

}  // namespace

KILN_REGISTER_KERNEL(selective_scan_forward_kernel, DeviceType::CUDA, selective_scan_forward);
KILN_REGISTER_KERNEL(selective_scan_backward_kernel, DeviceType::CUDA, selective_scan_backward);

}  // namespace kiln::cuda
