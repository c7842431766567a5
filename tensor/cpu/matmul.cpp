// Batched matrix products: float32 on kiln's AVX-512 kernel (tensor/cpu/matmul_avx512.h)
// where the build has AVX-512, else and for float64 through OpenBLAS (sgemm/dgemm); small and
// skinny products on the plain loops below. Transposed operands are read as transposes, never
// copied; only layouts BLAS cannot describe are made contiguous.
//
// oneTBB owns the threads: OpenBLAS runs single-threaded (tensor/cpu/parallel.cpp) and each
// product is cut into tiles (row or column blocks of each matrix of the batch) that oneTBB
// spreads over the cores. With OpenBLAS's own pool, its workers kept spinning after a GEMM
// on the cores oneTBB needed for the next op (measured: a 4M-element add right after a
// 512^3 matmul took 1-1.5 ms longer than alone, at 2 threads). A row (or column) block
// is not always computed exactly as in the whole product (on AMD EPYC, OpenBLAS's sgemm
// gave other bits for some row blocks), so the tiling depends on the shape alone, never on
// the thread count: one thread runs the same tiles in turn, and results are bit-identical
// at 1 and 2 threads, which the determinism test checks.
#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/matmul_avx512.h"
#include "tensor/cpu/parallel.h"
#include "tensor/cpu/vec_math.h"
#include "tensor/matrix_layout.h"

namespace kiln::cpu {

namespace {

// Each tile repacks the operand it shares with the other tiles, about 9/edge of its time
// here (measured: 64-row tiles of a 1024^3 product ran 14% slower than one call), so
// tiles are few and large: up to kMaxTiles per matrix, at least kMinTileEdge rows or
// columns, at least kTileWork multiply-adds.
constexpr double kTileWork = double(1 << 23);
constexpr int64_t kMinTileEdge = 128;
constexpr int64_t kMaxTiles = 4;

// True when a's batch and row dims step through memory as one sequence of rows, so that
// [batch..., M, K] is a single [batch * M, K] matrix.
bool rows_fold(const Tensor& a, int64_t row_stride) {
  const int r = a.dim();
  int64_t expected = row_stride * a.shape()[r - 2];
  for (int d = r - 3; d >= 0; --d) {
    if (a.shape()[d] != 1 && a.strides()[d] != expected) return false;
    expected *= a.shape()[d];
  }
  return true;
}

bool batch_is_broadcast(const Tensor& x) {
  for (int d = 0; d < x.dim() - 2; ++d) {
    if (x.shape()[d] != 1 && x.strides()[d] != 0) return false;
  }
  return true;
}

CBLAS_TRANSPOSE operation(MatrixLayout layout) {
  return layout.transposed ? CblasTrans : CblasNoTrans;
}

void gemm(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k,
          MatrixLayout la, MatrixLayout lb, int64_t ldc) {
  if (matmul_avx512(a, b, c, m, n, k, la, lb, ldc)) return;
  cblas_sgemm(CblasRowMajor, operation(la), operation(lb), m, n, k, 1.0f, a, la.leading, b,
              lb.leading, 0.0f, c, ldc);
}

void gemm(const double* a, const double* b, double* c, int64_t m, int64_t n, int64_t k,
          MatrixLayout la, MatrixLayout lb, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, operation(la), operation(lb), m, n, k, 1.0, a, la.leading, b,
              lb.leading, 0.0, c, ldc);
}

// Integer products have no BLAS; a plain i-k-j loop.
void gemm(const int64_t* a, const int64_t* b, int64_t* c, int64_t m, int64_t n, int64_t k,
          MatrixLayout la, MatrixLayout lb, int64_t ldc) {
  const auto at = [&](int64_t i, int64_t p) {
    return la.transposed ? a[p * la.leading + i] : a[i * la.leading + p];
  };
  const auto bt = [&](int64_t p, int64_t j) {
    return lb.transposed ? b[j * lb.leading + p] : b[p * lb.leading + j];
  };
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = 0;
    for (int64_t p = 0; p < k; ++p) {
      const int64_t scale = at(i, p);
      for (int64_t j = 0; j < n; ++j) {
        c[i * ldc + j] = wrapping_add(c[i * ldc + j], wrapping_mul(scale, bt(p, j)));
      }
    }
  }
}

// A vector times a matrix (one row) or an outer product (k = 1) skips BLAS when it has at
// most this many multiply-adds: BLAS's call and packing then cost more than the arithmetic
// (PyTorch's bmm has a plain-loop path for small products too). Measured, one thread,
// 4,096 products per call (kiln_bench_workloads' W6 shapes): [1, 20] x [20, 16] 0.40 ms in
// BLAS, 0.22 here; [20, 1] x [1, 16] 0.42, 0.25; 512 of [1, 128] x [128, 20] stored
// transposed 0.35, 0.09. Products of more rows (a [20, 20] x [20, 16] took 3.1 ms here, 1.0
// in BLAS) and dot products shorter than 32 stay with BLAS.
constexpr int64_t kSmallProduct = 4096;

// c = a b without BLAS, for the small products above; false (nothing computed) for others.
template <typename T>
bool small_gemm(const T* a, const T* b, T* c, int64_t m, int64_t n, int64_t k, MatrixLayout la,
                MatrixLayout lb, int64_t ldc) {
  if (m * n * k > kSmallProduct || (m != 1 && k != 1)) return false;
  if (!lb.transposed && n >= 8) {
    // c's rows as sums of b's rows, vectorised along them.
    for (int64_t i = 0; i < m; ++i) {
      T* row = c + i * ldc;
      std::fill(row, row + n, T(0));
      for (int64_t p = 0; p < k; ++p) {
        const T scale = la.transposed ? a[p * la.leading + i] : a[i * la.leading + p];
        const T* b_row = b + p * lb.leading;
#pragma omp simd
        for (int64_t j = 0; j < n; ++j) row[j] += scale * b_row[j];
      }
    }
    return true;
  }
  if (m == 1 && !la.transposed && lb.transposed && k >= 32) {
    // Dot products of a's row with b's columns, which are contiguous.
    for (int64_t j = 0; j < n; ++j) {
      const T* column = b + j * lb.leading;
      T total = 0;
#pragma omp simd reduction(+ : total)
      for (int64_t p = 0; p < k; ++p) total += a[p] * column[p];
      c[j] = total;
    }
    return true;
  }
  return false;
}

// Skinny products, whose right operand (rows padded to whole vectors) fits in L1 and whose
// left one has many rows, skip BLAS too: BLAS then spends its time packing a, not on
// arithmetic (a depth or width of 16: PatchTST's Linear(16, 128), Linear(128, 16) and
// Linear(16, 16) over 37,632 tokens ran 2.2, 2.8 and 1.7 times as fast here as in one
// cblas_sgemm call; kiln_bench_tensor's small_matmul cases). With fewer rows the copy of b
// is not repaid: batches of [42, 4] x [4, 42] products ran at 0.7 of BLAS.
constexpr int64_t kSkinnyBytes = 32 << 10;
constexpr int64_t kSkinnyRows = 64;

// b (k x n) as rows of `width` >= n values (zeros beyond n), in `buffer`.
template <typename T>
const T* padded_rows(const T* b, int64_t k, int64_t n, MatrixLayout lb, int64_t width,
                     std::vector<T>& buffer) {
  buffer.assign(static_cast<size_t>(k * width), T(0));
  for (int64_t p = 0; p < k; ++p) {
    for (int64_t j = 0; j < n; ++j) {
      buffer[p * width + j] = lb.transposed ? b[j * lb.leading + p] : b[p * lb.leading + j];
    }
  }
  return buffer.data();
}

// One 64-byte vector of T (GCC's vector extension: one AVX-512 register, two AVX2 ones),
// so that the accumulators below stay in registers whatever the auto-vectoriser decides.
template <typename T>
struct VectorOf;
template <>
struct VectorOf<float> {
  typedef float type __attribute__((vector_size(64)));
};
template <>
struct VectorOf<double> {
  typedef double type __attribute__((vector_size(64)));
};
template <typename T>
inline constexpr int64_t kLanes = 64 / sizeof(T);

// Rows [0, R) of c (stride ldc), columns [j0, j0 + count) with count <= kLanes<T>: the sums
// over p of a(r, p) b(p, j), a(r, p) at a[r * row_step + p * depth_step]; R independent
// vector accumulators hide the multiply-add latency.
template <int R, typename T>
void rows_times_columns(const T* a, int64_t row_step, int64_t depth_step, const T* b, int64_t width,
                        int64_t k, int64_t j0, int64_t count, T* c, int64_t ldc) {
  using Vector = typename VectorOf<T>::type;
  Vector sums[R] = {};
  for (int64_t p = 0; p < k; ++p) {
    Vector b_row;
    std::memcpy(&b_row, b + p * width + j0, sizeof(Vector));
    for (int r = 0; r < R; ++r) sums[r] += a[r * row_step + p * depth_step] * b_row;
  }
  for (int r = 0; r < R; ++r) {
    T* row = c + r * ldc + j0;
    if (count == kLanes<T>) {
      std::memcpy(row, &sums[r], sizeof(Vector));
    } else {
      T values[kLanes<T>];
      std::memcpy(values, &sums[r], sizeof(Vector));
      std::copy(values, values + count, row);
    }
  }
}

// c = a b without BLAS when b fits in L1 padded (false, nothing computed, otherwise): b is
// copied once into padded rows, then c is walked in groups of 8 rows by one vector of
// columns.
template <typename T>
bool skinny_gemm(const T* a, const T* b, T* c, int64_t m, int64_t n, int64_t k, MatrixLayout la,
                 MatrixLayout lb, int64_t ldc) {
  constexpr int64_t kW = kLanes<T>;
  const int64_t width = (n + kW - 1) / kW * kW;
  if (m < kSkinnyRows || k * width * static_cast<int64_t>(sizeof(T)) > kSkinnyBytes) return false;
  thread_local std::vector<T> buffer;
  const T* rows = padded_rows(b, k, n, lb, width, buffer);
  const int64_t row_step = la.transposed ? 1 : la.leading;
  const int64_t depth_step = la.transposed ? la.leading : 1;
  constexpr int kGroup = 8;
  for (int64_t j0 = 0; j0 < n; j0 += kW) {
    const int64_t count = std::min(kW, n - j0);
    int64_t i = 0;
    for (; i + kGroup <= m; i += kGroup) {
      rows_times_columns<kGroup>(a + i * row_step, row_step, depth_step, rows, width, k, j0, count,
                                 c + i * ldc, ldc);
    }
    for (; i < m; ++i) {
      rows_times_columns<1>(a + i * row_step, row_step, depth_step, rows, width, k, j0, count,
                            c + i * ldc, ldc);
    }
  }
  return true;
}

// How one m x n product is cut: along its rows or its columns, into `count` blocks.
struct Tiling {
  bool by_rows = true;
  int64_t count = 1;
  int64_t edge = 0;  // rows or columns per block
};

Tiling tile(int64_t m, int64_t n, int64_t k) {
  const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  Tiling tiling;
  tiling.by_rows = m >= n;
  const int64_t extent = tiling.by_rows ? m : n;
  const auto wanted = static_cast<int64_t>(std::min(work / kTileWork, double(kMaxTiles)));
  const int64_t fitting = std::min(wanted, extent / kMinTileEdge);
  // A power of two, so two threads share the tiles evenly.
  while (tiling.count * 2 <= fitting) tiling.count *= 2;
  tiling.edge = (extent + tiling.count - 1) / tiling.count;
  return tiling;
}

template <typename T>
void run_matmul(const Tensor& out, const Tensor& a_in, const Tensor& b_in) {
  const int r = out.dim();
  int64_t m = out.shape()[r - 2];
  const int64_t n = out.shape()[r - 1], k = a_in.shape()[r - 1];
  const Tensor a = blas_ready(a_in), b = blas_ready(b_in);
  const MatrixLayout la = *matrix_layout(a);
  const MatrixLayout lb = *matrix_layout(b);
  const T* a_data = static_cast<const T*>(a.data_ptr());
  const T* b_data = static_cast<const T*>(b.data_ptr());
  T* c_data = static_cast<T*>(out.data_ptr());
  int64_t batch = out.numel() / (m * n);
  std::vector<int64_t> a_offsets, b_offsets;
  // A shared right operand (a Linear layer's weight) and stacked left rows: one product.
  if (batch > 1 && !la.transposed && batch_is_broadcast(b) && rows_fold(a, la.leading)) {
    m *= batch;
    batch = 1;
    a_offsets = b_offsets = {0};
  } else {
    a_offsets = batch_offsets(a, batch);
    b_offsets = batch_offsets(b, batch);
  }
  // OpenBLAS (LP64) takes int sizes and leading dimensions.
  for (const int64_t size : {m, n, k, la.leading, lb.leading}) {
    KILN_CHECK(size <= std::numeric_limits<int>::max(), "matmul: size or stride ", size,
               " exceeds the range of BLAS's int arguments");
  }
  const Tiling tiling = tile(m, n, k);
  const auto run_tile = [&](int64_t index) {
    const int64_t entry = index / tiling.count;
    const int64_t first = (index % tiling.count) * tiling.edge;
    const T* a_tile = a_data + a_offsets[entry];
    const T* b_tile = b_data + b_offsets[entry];
    T* c_tile = c_data + entry * m * n;
    int64_t rows = m, columns = n;
    if (tiling.by_rows) {
      rows = std::min(tiling.edge, m - first);
      a_tile += la.transposed ? first : first * la.leading;
      c_tile += first * n;
    } else {
      columns = std::min(tiling.edge, n - first);
      b_tile += lb.transposed ? first * lb.leading : first;
      c_tile += first;
    }
    if constexpr (std::is_floating_point_v<T>) {
      if (small_gemm(a_tile, b_tile, c_tile, rows, columns, k, la, lb, n) ||
          skinny_gemm(a_tile, b_tile, c_tile, rows, columns, k, la, lb, n)) {
        return;
      }
    }
    gemm(a_tile, b_tile, c_tile, rows, columns, k, la, lb, n);
  };
  // Small products go several to a task.
  const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const int64_t grain =
      tiling.count > 1 ? 1 : std::max<int64_t>(1, static_cast<int64_t>(kTileWork / (work + 1)));
  parallel_for(batch * tiling.count, grain, [&](int64_t begin, int64_t end) {
    for (int64_t index = begin; index < end; ++index) run_tile(index);
  });
}

}  // namespace

void CpuBackend::matmul(const Tensor& out, const Tensor& a, const Tensor& b) {
  if (out.numel() == 0) return;
  if (a.shape().back() == 0) {
    fill(out, 0);
    return;
  }
  visit_numeric(out.dtype(),
                [&](auto tag) { run_matmul<typename decltype(tag)::type>(out, a, b); });
}

}  // namespace kiln::cpu
