// Goto's blocking (Goto and van de Geijn 2008, "Anatomy of high-performance matrix
// multiplication"): b is packed in blocks of kDepth x kBlockColumns as 32-column panels, a is
// walked in blocks of kBlockRows x kDepth, 12 rows at a time (read in place, but for a last
// partial tile of rows, packed with zero rows), and each 12 x 32 tile of c accumulates in 24
// vector registers while one panel of b (32 KiB) stays in L1.
//
// Why not OpenBLAS here: the environment pins Debian's OpenBLAS 0.3.21 to its Haswell (AVX2)
// kernels (OPENBLAS_CORETYPE, because that release's AVX-512 kernels compute wrong results
// on some processors), which reach half of this machine's 512-bit multiply-add peak.
#include "tensor/cpu/matmul_avx512.h"

#ifdef __AVX512F__
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "tensor/cpu/vec_math_avx512.h"
#endif

namespace kiln::cpu {

#ifdef __AVX512F__
namespace {

constexpr int64_t kTileRows = 12;
constexpr int64_t kTileColumns = 32;
constexpr int64_t kDepth = 256;
constexpr int64_t kBlockRows = 10 * kTileRows;
constexpr int64_t kBlockColumns = 32 * kTileColumns;

// Narrower products would spend most of each tile on padding columns (measured: 3,584
// products [42, 42] x [42, 4] took 3.8 ms here, 2.1 ms in OpenBLAS), and smaller ones most of
// their time on packing (3,584 products [4, 42]^T x [42, 42]: 3.9 ms here, 2.3 in OpenBLAS).
constexpr int64_t kLeastColumns = 16;
constexpr int64_t kLeastDepth = 16;
constexpr int64_t kLeastProduct = 1 << 15;

int64_t round_up(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// rows[i] lane j becomes rows[j] lane i: pairs, then quads within 128-bit lanes, then the
// 128-bit lanes themselves.
KILN_AVX512_CODE_BEGIN
void transpose_16x16(__m512 (&rows)[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(rows[i], rows[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(rows[i], rows[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    rows[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    rows[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    rows[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    rows[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_f32x4(rows[i], rows[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(rows[i], rows[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_f32x4(rows[i + 8], rows[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(rows[i + 8], rows[i + 12], 0xdd);
  }
  for (int i = 0; i < 8; ++i) {
    rows[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    rows[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
}
KILN_AVX512_CODE_END

// Turns `count` <= 16 runs of contiguous depth (run r at source + r * stride, depth
// [p, p + 16) of it, cut at `depth`) into depth steps: step q's `count` values (zeros after
// them, up to `lanes`) go to out + q * out_step.
void transpose_runs(const float* source, int64_t stride, int64_t count, int64_t p, int64_t depth,
                    float* out, int64_t out_step, int64_t lanes) {
  const int64_t steps = std::min<int64_t>(16, depth - p);
  const __mmask16 present = first_lanes(steps), written = first_lanes(lanes);
  __m512 rows[16];
  for (int64_t r = 0; r < 16; ++r) {
    rows[r] =
        r < count ? _mm512_maskz_loadu_ps(present, source + r * stride + p) : _mm512_setzero_ps();
  }
  transpose_16x16(rows);
  for (int64_t q = 0; q < steps; ++q) _mm512_mask_storeu_ps(out + q * out_step, written, rows[q]);
}

// The last, partial tile of a: rows [row0, row0 + count), count < 12, over depth [p0, p0 +
// depth), as a 12-row panel (each depth step's 12 values contiguous, rows past `count` zero),
// read in a's storage order.
void pack_partial_tile(const float* a, MatrixLayout la, int64_t row0, int64_t count, int64_t p0,
                       int64_t depth, float* packed) {
  if (la.transposed) {
    const __mmask16 present = first_lanes(count), tile = first_lanes(kTileRows);
    for (int64_t p = 0; p < depth; ++p) {
      const float* source = a + (p0 + p) * la.leading + row0;
      _mm512_mask_storeu_ps(packed + p * kTileRows, tile, _mm512_maskz_loadu_ps(present, source));
    }
    return;
  }
  const float* source = a + row0 * la.leading + p0;
  for (int64_t p = 0; p < depth; p += 16) {
    transpose_runs(source, la.leading, count, p, depth, packed + p * kTileRows, kTileRows,
                   kTileRows);
  }
}

// Depth [p0, p0 + depth) x columns [column0, column0 + columns) of b as 32-column panels, each
// depth step's 32 values contiguous (columns beyond `columns` zero). b is read in its storage
// order (row by row, or column by column when transposed): panel by panel, each of b's rows
// would be a page apart.
void pack_b(const float* b, MatrixLayout lb, int64_t p0, int64_t depth, int64_t column0,
            int64_t columns, float* packed) {
  if (!lb.transposed) {
    for (int64_t p = 0; p < depth; ++p) {
      const float* source = b + (p0 + p) * lb.leading + column0;
      for (int64_t panel = 0; panel < columns; panel += kTileColumns) {
        const int64_t count = columns - panel;
        float* out = packed + panel * depth + p * kTileColumns;
        _mm512_storeu_ps(out, _mm512_maskz_loadu_ps(first_lanes(count), source + panel));
        _mm512_storeu_ps(out + 16,
                         _mm512_maskz_loadu_ps(first_lanes(count - 16), source + panel + 16));
      }
    }
    return;
  }
  for (int64_t half = 0; half < columns; half += 16) {
    const int64_t count = std::min<int64_t>(16, columns - half);
    const float* source = b + (column0 + half) * lb.leading + p0;
    float* out = packed + half / kTileColumns * kTileColumns * depth + half % kTileColumns;
    for (int64_t p = 0; p < depth; p += 16) {
      transpose_runs(source, lb.leading, count, p, depth, out + p * kTileColumns, kTileColumns, 16);
    }
  }
  // A last panel's second half with no columns at all is zeros.
  const int64_t filled = (columns + 15) / 16 * 16;
  if (filled % kTileColumns != 0) {
    float* out = packed + filled / kTileColumns * kTileColumns * depth + 16;
    for (int64_t p = 0; p < depth; ++p)
      _mm512_storeu_ps(out + p * kTileColumns, _mm512_setzero_ps());
  }
}

// The rows x columns corner of a 12 x 32 tile of c = (or +=, `accumulate`) a's tile times b's
// packed panel over `depth`. a(r, p) is a[p * stride + r] when kRowsAdjacent (a packed panel,
// stride 12, or a stored transposed), else a[r * stride + p].
template <bool kRowsAdjacent>
void multiply_tile(const float* a, int64_t stride, const float* b_panel, int64_t depth, float* c,
                   int64_t ldc, int64_t rows, int64_t columns, bool accumulate) {
  // c's tile is read only after the whole depth: fetching it now hides the misses.
  for (int64_t r = 0; r < rows; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 16), _MM_HINT_T0);
  }
  __m512 sums[kTileRows][2];
#pragma GCC unroll 12
  for (int r = 0; r < kTileRows; ++r) sums[r][0] = sums[r][1] = _mm512_setzero_ps();
  for (int64_t p = 0; p < depth; ++p) {
    const __m512 low = _mm512_loadu_ps(b_panel + p * kTileColumns);
    const __m512 high = _mm512_loadu_ps(b_panel + p * kTileColumns + 16);
#pragma GCC unroll 12
    for (int r = 0; r < kTileRows; ++r) {
      const __m512 scale = _mm512_set1_ps(kRowsAdjacent ? a[p * stride + r] : a[r * stride + p]);
      sums[r][0] = _mm512_fmadd_ps(scale, low, sums[r][0]);
      sums[r][1] = _mm512_fmadd_ps(scale, high, sums[r][1]);
    }
  }
  const __mmask16 low = first_lanes(columns), high = first_lanes(columns - 16);
#pragma GCC unroll 12
  for (int r = 0; r < kTileRows; ++r) {
    if (r >= rows) break;
    float* row = c + r * ldc;
    if (accumulate) {
      sums[r][0] = _mm512_add_ps(sums[r][0], _mm512_maskz_loadu_ps(low, row));
      sums[r][1] = _mm512_add_ps(sums[r][1], _mm512_maskz_loadu_ps(high, row + 16));
    }
    _mm512_mask_storeu_ps(row, low, sums[r][0]);
    _mm512_mask_storeu_ps(row + 16, high, sums[r][1]);
  }
}

}  // namespace

bool matmul_avx512(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k,
                   MatrixLayout la, MatrixLayout lb, int64_t ldc) {
  if (n < kLeastColumns || k < kLeastDepth || m * n * k < kLeastProduct) return false;
  thread_local std::vector<float> packed_a, packed_b;
  // Depth blocks of equal size, so that no block is a short remainder.
  const int64_t depth_blocks = (k + kDepth - 1) / kDepth;
  const int64_t depth_step = (k + depth_blocks - 1) / depth_blocks;
  for (int64_t column0 = 0; column0 < n; column0 += kBlockColumns) {
    const int64_t columns = std::min(kBlockColumns, n - column0);
    for (int64_t p0 = 0; p0 < k; p0 += depth_step) {
      const int64_t depth = std::min(depth_step, k - p0);
      packed_b.resize(std::max<size_t>(packed_b.size(), round_up(columns, kTileColumns) * depth));
      pack_b(b, lb, p0, depth, column0, columns, packed_b.data());
      for (int64_t row0 = 0; row0 < m; row0 += kBlockRows) {
        const int64_t rows = std::min(kBlockRows, m - row0);
        // Whole tiles read a in place; a last partial one is packed with zero rows.
        const int64_t whole = rows / kTileRows * kTileRows;
        if (whole < rows) {
          packed_a.resize(std::max<size_t>(packed_a.size(), kTileRows * depth));
          pack_partial_tile(a, la, row0 + whole, rows - whole, p0, depth, packed_a.data());
        }
        for (int64_t j = 0; j < columns; j += kTileColumns) {
          const float* b_panel = packed_b.data() + j * depth;
          const int64_t tile_columns = std::min(kTileColumns, columns - j);
          for (int64_t i = 0; i < rows; i += kTileRows) {
            float* c_tile = c + (row0 + i) * ldc + column0 + j;
            const bool accumulate = p0 > 0;
            if (i == whole) {
              multiply_tile<true>(packed_a.data(), kTileRows, b_panel, depth, c_tile, ldc,
                                  rows - whole, tile_columns, accumulate);
            } else if (la.transposed) {
              multiply_tile<true>(a + p0 * la.leading + row0 + i, la.leading, b_panel, depth,
                                  c_tile, ldc, kTileRows, tile_columns, accumulate);
            } else {
              multiply_tile<false>(a + (row0 + i) * la.leading + p0, la.leading, b_panel, depth,
                                   c_tile, ldc, kTileRows, tile_columns, accumulate);
            }
          }
        }
      }
    }
  }
  return true;
}

#else

bool matmul_avx512(const float*, const float*, float*, int64_t, int64_t, int64_t, MatrixLayout,
                   MatrixLayout, int64_t) {
  return false;
}

#endif

}  // namespace kiln::cpu
