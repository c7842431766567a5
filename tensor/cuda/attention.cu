// Fused attention (Dao, "FlashAttention-2", 2023), in its plainest form: one thread per
// query row (forward, dq) or key row (dk, dv), tiles of queries, keys and values staged in
// shared memory, and the softmax computed online, so that the L x S scores never exist in
// memory. The backward pass recomputes scores from the forward's logsumexp and splits into
// a dq kernel and a dk/dv kernel, each writing only its own rows: no atomics, deterministic.
#include <algorithm>
#include <cmath>

#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"

namespace kiln::cuda {

namespace {

// The largest tile; per-thread score buffers have this many entries.
constexpr int kMaxTile = 32;
constexpr size_t kSharedBudget = 48 * 1024;

struct AttentionShape {
  int64_t batch, queries, keys, head, value_head;  // B, L, S, E, Ev
  double scale;
  bool causal;
  int tile;             // rows per tile, of queries and of keys alike
  int64_t first_batch;  // of this launch: grid.y covers at most 65535 batch entries
};

// Whether query row `row` may attend to key `col`.
__device__ inline bool allowed(const AttentionShape& a, int64_t row, int64_t col) {
  return col < a.keys && (!a.causal || col <= row);
}

// Copies rows [first, first + tile) of a [rows, width] matrix into a shared tile, zeros
// past the end; all threads of the block take part.
template <typename T, typename Shared>
__device__ void stage(Shared& tile_memory, int64_t offset, const T* matrix, int64_t first,
                      int64_t rows, int64_t width, int tile) {
  for (int64_t i = threadIdx.x; i < tile * width; i += blockDim.x) {
    const int64_t row = first + i / width;
    tile_memory[offset + i] = row < rows ? matrix[row * width + i % width] : T(0);
  }
}

// One block per (query tile, batch); thread t owns query row first + t.
template <typename T>
__global__ void attention_forward_kernel(T* out, T* logsumexp, const T* q, const T* k, const T* v,
                                         AttentionShape a) {
  KILN_DYNAMIC_SHARED(T, shared);
  const int64_t E = a.head, Ev = a.value_head, tile = a.tile;
  // Layout: Q tile, K tile, V tile, output accumulators.
  const int64_t q_at = 0, k_at = tile * E, v_at = 2 * tile * E, o_at = 2 * tile * E + tile * Ev;
  const int64_t b = a.first_batch + blockIdx.y, first = blockIdx.x * tile;
  const T* qb = q + b * a.queries * E;
  const T* kb = k + b * a.keys * E;
  const T* vb = v + b * a.keys * Ev;
  const int t = threadIdx.x;
  const int64_t row = first + t;
  stage(shared, q_at, qb, first, a.queries, E, tile);
  for (int64_t e = 0; e < Ev; ++e) shared[o_at + t * Ev + e] = T(0);
  T running_max = -static_cast<T>(INFINITY), total = 0;
  const int64_t last_key = a.causal ? (first + tile < a.keys ? first + tile : a.keys) : a.keys;
  for (int64_t start = 0; start < last_key; start += tile) {
    __syncthreads();
    stage(shared, k_at, kb, start, a.keys, E, tile);
    stage(shared, v_at, vb, start, a.keys, Ev, tile);
    __syncthreads();
    if (row >= a.queries) continue;
    T scores[kMaxTile];
    T tile_max = -static_cast<T>(INFINITY);
    for (int j = 0; j < tile; ++j) {
      T s = -static_cast<T>(INFINITY);
      if (allowed(a, row, start + j)) {
        T acc = 0;
        for (int64_t e = 0; e < E; ++e) acc += shared[q_at + t * E + e] * shared[k_at + j * E + e];
        s = acc * static_cast<T>(a.scale);
      }
      scores[j] = s;
      tile_max = s > tile_max ? s : tile_max;
    }
    const T new_max = tile_max > running_max ? tile_max : running_max;
    if (new_max == -static_cast<T>(INFINITY)) continue;  // nothing attended to yet
    const T rescale = std::exp(running_max - new_max);
    total *= rescale;
    for (int j = 0; j < tile; ++j) {
      scores[j] = std::exp(scores[j] - new_max);
      total += scores[j];
    }
    for (int64_t e = 0; e < Ev; ++e) {
      T acc = shared[o_at + t * Ev + e] * rescale;
      for (int j = 0; j < tile; ++j) acc += scores[j] * shared[v_at + j * Ev + e];
      shared[o_at + t * Ev + e] = acc;
    }
    running_max = new_max;
  }
  if (row < a.queries) {
    for (int64_t e = 0; e < Ev; ++e) {
      out[(b * a.queries + row) * Ev + e] = shared[o_at + t * Ev + e] / total;
    }
    logsumexp[b * a.queries + row] = running_max + std::log(total);
  }
}

// dq: one block per (query tile, batch); thread t owns query row first + t.
//   p_ij = exp(s_ij - lse_i), ds_ij = p_ij (dO_i . v_j - D_i), dq_i = scale sum_j ds_ij k_j,
// with D_i = dO_i . O_i.
template <typename T>
__global__ void attention_dq_kernel(T* dq, const T* d_out, const T* q, const T* k, const T* v,
                                    const T* logsumexp, const T* delta, AttentionShape a) {
  KILN_DYNAMIC_SHARED(T, shared);
  const int64_t E = a.head, Ev = a.value_head, tile = a.tile;
  // Layout: Q tile, dO tile, K tile, V tile, dq accumulators.
  const int64_t q_at = 0, do_at = tile * E, k_at = tile * (E + Ev), v_at = tile * (2 * E + Ev),
                dq_at = tile * (2 * E + 2 * Ev);
  const int64_t b = a.first_batch + blockIdx.y, first = blockIdx.x * tile;
  const int t = threadIdx.x;
  const int64_t row = first + t;
  stage(shared, q_at, q + b * a.queries * E, first, a.queries, E, tile);
  stage(shared, do_at, d_out + b * a.queries * Ev, first, a.queries, Ev, tile);
  for (int64_t e = 0; e < E; ++e) shared[dq_at + t * E + e] = T(0);
  const T lse = row < a.queries ? logsumexp[b * a.queries + row] : T(0);
  const T d = row < a.queries ? delta[b * a.queries + row] : T(0);
  const int64_t last_key = a.causal ? (first + tile < a.keys ? first + tile : a.keys) : a.keys;
  for (int64_t start = 0; start < last_key; start += tile) {
    __syncthreads();
    stage(shared, k_at, k + b * a.keys * E, start, a.keys, E, tile);
    stage(shared, v_at, v + b * a.keys * Ev, start, a.keys, Ev, tile);
    __syncthreads();
    if (row >= a.queries) continue;
    for (int j = 0; j < tile; ++j) {
      if (!allowed(a, row, start + j)) continue;
      T s = 0, dp = 0;
      for (int64_t e = 0; e < E; ++e) s += shared[q_at + t * E + e] * shared[k_at + j * E + e];
      for (int64_t e = 0; e < Ev; ++e) dp += shared[do_at + t * Ev + e] * shared[v_at + j * Ev + e];
      const T p = std::exp(s * static_cast<T>(a.scale) - lse);
      const T ds = p * (dp - d) * static_cast<T>(a.scale);
      for (int64_t e = 0; e < E; ++e) {
        shared[dq_at + t * E + e] = shared[dq_at + t * E + e] + ds * shared[k_at + j * E + e];
      }
    }
  }
  if (row < a.queries) {
    for (int64_t e = 0; e < E; ++e) dq[(b * a.queries + row) * E + e] = shared[dq_at + t * E + e];
  }
}

// dk, dv: one block per (key tile, batch); thread t owns key row first + t.
//   dv_j = sum_i p_ij dO_i,  dk_j = scale sum_i ds_ij q_i.
template <typename T>
__global__ void attention_dkv_kernel(T* dk, T* dv, const T* d_out, const T* q, const T* k,
                                     const T* v, const T* logsumexp, const T* delta,
                                     AttentionShape a) {
  KILN_DYNAMIC_SHARED(T, shared);
  const int64_t E = a.head, Ev = a.value_head, tile = a.tile;
  // Layout: K tile, V tile, Q tile, dO tile, dk and dv accumulators, lse and D of the Q tile.
  const int64_t k_at = 0, v_at = tile * E, q_at = tile * (E + Ev), do_at = tile * (2 * E + Ev),
                dk_at = tile * (2 * E + 2 * Ev), dv_at = tile * (3 * E + 2 * Ev),
                lse_at = tile * (3 * E + 3 * Ev), delta_at = lse_at + tile;
  const int64_t b = a.first_batch + blockIdx.y, first = blockIdx.x * tile;
  const int t = threadIdx.x;
  const int64_t col = first + t;
  stage(shared, k_at, k + b * a.keys * E, first, a.keys, E, tile);
  stage(shared, v_at, v + b * a.keys * Ev, first, a.keys, Ev, tile);
  for (int64_t e = 0; e < E; ++e) shared[dk_at + t * E + e] = T(0);
  for (int64_t e = 0; e < Ev; ++e) shared[dv_at + t * Ev + e] = T(0);
  // Causal: queries before the tile's first key attend to none of its keys.
  const int64_t first_query = a.causal ? first : 0;
  for (int64_t start = first_query; start < a.queries; start += tile) {
    __syncthreads();
    stage(shared, q_at, q + b * a.queries * E, start, a.queries, E, tile);
    stage(shared, do_at, d_out + b * a.queries * Ev, start, a.queries, Ev, tile);
    const int64_t own_row = start + t;
    shared[lse_at + t] = own_row < a.queries ? logsumexp[b * a.queries + own_row] : T(0);
    shared[delta_at + t] = own_row < a.queries ? delta[b * a.queries + own_row] : T(0);
    __syncthreads();
    if (col >= a.keys) continue;
    for (int i = 0; i < tile; ++i) {
      const int64_t row = start + i;
      if (row >= a.queries || !allowed(a, row, col)) continue;
      T s = 0, dp = 0;
      for (int64_t e = 0; e < E; ++e) s += shared[q_at + i * E + e] * shared[k_at + t * E + e];
      for (int64_t e = 0; e < Ev; ++e) dp += shared[do_at + i * Ev + e] * shared[v_at + t * Ev + e];
      const T p = std::exp(s * static_cast<T>(a.scale) - static_cast<T>(shared[lse_at + i]));
      const T ds = p * (dp - static_cast<T>(shared[delta_at + i])) * static_cast<T>(a.scale);
      for (int64_t e = 0; e < Ev; ++e) {
        shared[dv_at + t * Ev + e] = shared[dv_at + t * Ev + e] + p * shared[do_at + i * Ev + e];
      }
      for (int64_t e = 0; e < E; ++e) {
        shared[dk_at + t * E + e] = shared[dk_at + t * E + e] + ds * shared[q_at + i * E + e];
      }
    }
  }
  if (col < a.keys) {
    for (int64_t e = 0; e < E; ++e) dk[(b * a.keys + col) * E + e] = shared[dk_at + t * E + e];
    for (int64_t e = 0; e < Ev; ++e) dv[(b * a.keys + col) * Ev + e] = shared[dv_at + t * Ev + e];
  }
}

// Elements of T per tile row that each kernel keeps in shared memory.
struct SharedRows {
  int64_t forward, dq, dkv;
};

SharedRows shared_rows(int64_t head, int64_t value_head) {
  return {2 * head + 2 * value_head, 3 * head + 2 * value_head, 3 * head + 3 * value_head + 2};
}

// The largest tile (32, 16, ...) with which every kernel's shared arrays fit the budget, so
// that a forward pass that runs always has its backward pass; 0 if none does.
int tile_for(int64_t head, int64_t value_head, size_t item) {
  const SharedRows rows = shared_rows(head, value_head);
  const int64_t widest = std::max({rows.forward, rows.dq, rows.dkv});
  for (int tile = kMaxTile; tile >= 1; tile /= 2) {
    if (static_cast<size_t>(tile * widest) * item <= kSharedBudget) return tile;
  }
  return 0;
}

AttentionShape shape_of(const Tensor& q, const Tensor& k, const Tensor& v, double scale,
                        bool causal) {
  AttentionShape a{q.size(0), q.size(1), k.size(1), q.size(2), v.size(2), scale, causal, 0, 0};
  a.tile = tile_for(a.head, a.value_head, itemsize(q.dtype()));
  return a;
}

// Launches `run(a, shape)` over the batch in chunks that grid.y can hold: tiles of `rows`
// rows along x, `row_elements` elements of T per tile row in shared memory.
template <typename T, typename Run>
void over_batches(AttentionShape a, int64_t rows, int64_t row_elements, const Run& run) {
  constexpr int64_t kMaxGridY = 65535;
  for (int64_t first = 0; first < a.batch; first += kMaxGridY) {
    a.first_batch = first;
    const LaunchShape shape = {dim3(static_cast<unsigned>((rows + a.tile - 1) / a.tile),
                                    static_cast<unsigned>(std::min(kMaxGridY, a.batch - first))),
                               dim3(static_cast<unsigned>(a.tile)),
                               static_cast<size_t>(a.tile * row_elements) * sizeof(T)};
    run(a, shape);
  }
}

}  // namespace

bool CudaBackend::attention_forward(const Tensor& out, const Tensor& logsumexp, const Tensor& q,
                                    const Tensor& k, const Tensor& v, double scale, bool causal) {
  const AttentionShape a = shape_of(q, k, v, scale, causal);
  if (a.tile == 0) return false;
  const runtime::DeviceGuard guard(q.device().index);
  visit_floating(q.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    over_batches<T>(a, a.queries, shared_rows(a.head, a.value_head).forward,
                    [&](const AttentionShape& chunk, const LaunchShape& shape) {
                      launch("attention_forward", attention_forward_kernel<T>, shape, out.data<T>(),
                             logsumexp.data<T>(), q.data<T>(), k.data<T>(), v.data<T>(), chunk);
                    });
  });
  return true;
}

bool CudaBackend::attention_backward(const Tensor& dq, const Tensor& dk, const Tensor& dv,
                                     const Tensor& d_out, const Tensor& q, const Tensor& k,
                                     const Tensor& v, const Tensor& logsumexp, const Tensor& delta,
                                     double scale, bool causal) {
  const AttentionShape a = shape_of(q, k, v, scale, causal);
  if (a.tile == 0) return false;
  const runtime::DeviceGuard guard(q.device().index);
  const SharedRows rows = shared_rows(a.head, a.value_head);
  visit_floating(q.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    over_batches<T>(a, a.queries, rows.dq,
                    [&](const AttentionShape& chunk, const LaunchShape& shape) {
                      launch("attention_dq", attention_dq_kernel<T>, shape, dq.data<T>(),
                             d_out.data<T>(), q.data<T>(), k.data<T>(), v.data<T>(),
                             logsumexp.data<T>(), delta.data<T>(), chunk);
                    });
    over_batches<T>(a, a.keys, rows.dkv,
                    [&](const AttentionShape& chunk, const LaunchShape& shape) {
                      launch("attention_dkv", attention_dkv_kernel<T>, shape, dk.data<T>(),
                             dv.data<T>(), d_out.data<T>(), q.data<T>(), k.data<T>(), v.data<T>(),
                             logsumexp.data<T>(), delta.data<T>(), chunk);
                    });
  });
  return true;
}

}  // namespace kiln::cuda
