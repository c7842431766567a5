// The cuBLAS seam on OpenBLAS, keeping cuBLAS's column-major conventions.
#include <cblas.h>

#include "tensor/cuda/blas.h"
#include "tensor/error.h"

namespace kiln::cuda::blas {

namespace {

CBLAS_TRANSPOSE native(Transpose transpose) {
  return transpose == Transpose::Yes ? CblasTrans : CblasNoTrans;
}

void check_arguments(Transpose ta, Transpose tb, int m, int n, int k, int lda, int ldb, int ldc,
                     int batch) {
  const int rows_a = ta == Transpose::No ? m : k, rows_b = tb == Transpose::No ? k : n;
  KILN_CHECK(m >= 0 && n >= 0 && k >= 0 && batch >= 0 && lda >= std::max(1, rows_a) &&
                 ldb >= std::max(1, rows_b) && ldc >= std::max(1, m),
             "cublas<t>gemmStridedBatched: invalid value (m ", m, ", n ", n, ", k ", k, ", lda ",
             lda, ", ldb ", ldb, ", ldc ", ldc, ", batch ", batch, ")");
}

}  // namespace

template <>
void gemm_strided_batched<float>(int, runtime::Stream, Transpose ta, Transpose tb, int m, int n,
                                 int k, float alpha, const float* a, int lda, int64_t stride_a,
                                 const float* b, int ldb, int64_t stride_b, float beta, float* c,
                                 int ldc, int64_t stride_c, int batch) {
  check_arguments(ta, tb, m, n, k, lda, ldb, ldc, batch);
  for (int i = 0; i < batch; ++i) {
    cblas_sgemm(CblasColMajor, native(ta), native(tb), m, n, k, alpha, a + i * stride_a, lda,
                b + i * stride_b, ldb, beta, c + i * stride_c, ldc);
  }
}

template <>
void gemm_strided_batched<double>(int, runtime::Stream, Transpose ta, Transpose tb, int m, int n,
                                  int k, double alpha, const double* a, int lda, int64_t stride_a,
                                  const double* b, int ldb, int64_t stride_b, double beta,
                                  double* c, int ldc, int64_t stride_c, int batch) {
  check_arguments(ta, tb, m, n, k, lda, ldb, ldc, batch);
  for (int i = 0; i < batch; ++i) {
    cblas_dgemm(CblasColMajor, native(ta), native(tb), m, n, k, alpha, a + i * stride_a, lda,
                b + i * stride_b, ldb, beta, c + i * stride_c, ldc);
  }
}

}  // namespace kiln::cuda::blas
