// Batched matrix products through OpenBLAS (sgemm/dgemm). Transposed operands are passed
// as BLAS transposes, never copied; only layouts BLAS cannot describe are made contiguous.
#include <cblas.h>

#include <optional>
#include <vector>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/matrix_layout.h"

namespace kiln::cpu {

namespace {

// OpenBLAS runs a GEMM single-threaded when M*N*K is at most 65536 * 4 (its
// SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD). Batches of such GEMMs are spread over
// oneTBB instead; larger ones run one after another, each threaded by OpenBLAS itself.
constexpr double kSingleThreadedGemm = 65536.0 * 4;

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
          MatrixLayout la, MatrixLayout lb) {
  cblas_sgemm(CblasRowMajor, operation(la), operation(lb), m, n, k, 1.0f, a, la.leading, b,
              lb.leading, 0.0f, c, n);
}

void gemm(const double* a, const double* b, double* c, int64_t m, int64_t n, int64_t k,
          MatrixLayout la, MatrixLayout lb) {
  cblas_dgemm(CblasRowMajor, operation(la), operation(lb), m, n, k, 1.0, a, la.leading, b,
              lb.leading, 0.0, c, n);
}

// Integer products have no BLAS; a plain i-k-j loop.
void gemm(const int64_t* a, const int64_t* b, int64_t* c, int64_t m, int64_t n, int64_t k,
          MatrixLayout la, MatrixLayout lb) {
  const auto at = [&](int64_t i, int64_t p) {
    return la.transposed ? a[p * la.leading + i] : a[i * la.leading + p];
  };
  const auto bt = [&](int64_t p, int64_t j) {
    return lb.transposed ? b[j * lb.leading + p] : b[p * lb.leading + j];
  };
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) c[i * n + j] = 0;
    for (int64_t p = 0; p < k; ++p) {
      const int64_t scale = at(i, p);
      for (int64_t j = 0; j < n; ++j) c[i * n + j] += scale * bt(p, j);
    }
  }
}

template <typename T>
void run_matmul(const Tensor& out, const Tensor& a_in, const Tensor& b_in) {
  const int r = out.dim();
  const int64_t m = out.shape()[r - 2], n = out.shape()[r - 1], k = a_in.shape()[r - 1];
  const Tensor a = blas_ready(a_in), b = blas_ready(b_in);
  const MatrixLayout la = *matrix_layout(a);
  const MatrixLayout lb = *matrix_layout(b);
  const T* a_data = static_cast<const T*>(a.data_ptr());
  const T* b_data = static_cast<const T*>(b.data_ptr());
  T* c_data = static_cast<T*>(out.data_ptr());
  const int64_t batch = out.numel() / (m * n);
  // A shared right operand (a Linear layer's weight) and stacked left rows: one GEMM.
  if (batch > 1 && !la.transposed && batch_is_broadcast(b) && rows_fold(a, la.leading)) {
    gemm(a_data, b_data, c_data, batch * m, n, k, la, lb);
    return;
  }
  const std::vector<int64_t> a_offsets = batch_offsets(a, batch);
  const std::vector<int64_t> b_offsets = batch_offsets(b, batch);
  const auto run = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      gemm(a_data + a_offsets[i], b_data + b_offsets[i], c_data + i * m * n, m, n, k, la, lb);
    }
  };
  const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  if (work <= kSingleThreadedGemm && batch > 1) {
    parallel_for(batch, std::max<int64_t>(1, kParallelGrain / static_cast<int64_t>(work + 1)), run);
  } else {
    run(0, batch);
  }
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
