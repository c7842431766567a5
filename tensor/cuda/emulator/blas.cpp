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

void native_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasColMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void native_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha,
                 const double* a, int lda, const double* b, int ldb, double beta, double* c,
                 int ldc) {
  cblas_dgemm(CblasColMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace

template <typename T>
void gemm_strided_batched(int, runtime::Stream, Transpose ta, Transpose tb, int m, int n, int k,
                          T alpha, const T* a, int lda, int64_t stride_a, const T* b, int ldb,
                          int64_t stride_b, T beta, T* c, int ldc, int64_t stride_c, int batch) {
  check_arguments(ta, tb, m, n, k, lda, ldb, ldc, batch);
  for (int i = 0; i < batch; ++i) {
    native_gemm(native(ta), native(tb), m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b,
                ldb, beta, c + i * stride_c, ldc);
  }
}

template void gemm_strided_batched<float>(int, runtime::Stream, Transpose, Transpose, int, int, int,
                                          float, const float*, int, int64_t, const float*, int,
                                          int64_t, float, float*, int, int64_t, int);
template void gemm_strided_batched<double>(int, runtime::Stream, Transpose, Transpose, int, int,
                                           int, double, const double*, int, int64_t, const double*,
                                           int, int64_t, double, double*, int, int64_t, int);

}  // namespace kiln::cuda::blas
