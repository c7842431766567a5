// The cuBLAS seam on cuBLAS.
#include <cublas_v2.h>

#include <mutex>
#include <tuple>
#include <type_traits>
#include <vector>

#include "tensor/cuda/blas.h"
#include "tensor/error.h"

namespace kiln::cuda::blas {

namespace {

void check(cublasStatus_t status, const char* call) {
  KILN_CHECK(status == CUBLAS_STATUS_SUCCESS, "cuda: ", call,
             " failed: ", cublasGetStatusString(status));
}

// Held from setting a handle's stream to the end of the call that uses it.
std::mutex handles_mutex;

// One handle per device, created on first use on that device and never destroyed:
// destroying it at exit could run after the CUDA runtime has been unloaded. The caller
// holds handles_mutex.
cublasHandle_t handle(int device, runtime::Stream stream) {
  static std::vector<cublasHandle_t> handles(runtime::device_count(), nullptr);
  cublasHandle_t& slot = handles.at(device);
  if (slot == nullptr) check(cublasCreate(&slot), "cublasCreate");
  check(cublasSetStream(slot, static_cast<cudaStream_t>(stream)), "cublasSetStream");
  check(cublasSetMathMode(slot, allow_tf32() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
        "cublasSetMathMode");
  return slot;
}

cublasOperation_t native(Transpose transpose) {
  return transpose == Transpose::Yes ? CUBLAS_OP_T : CUBLAS_OP_N;
}

// cuBLAS's gemm for each element type, under one name.
constexpr auto native_gemm = [](auto... arguments) {
  using First = std::tuple_element_t<7, std::tuple<decltype(arguments)...>>;
  if constexpr (std::is_same_v<First, const float*>) {
    return cublasSgemmStridedBatched(arguments...);
  } else {
    return cublasDgemmStridedBatched(arguments...);
  }
};

}  // namespace

template <typename T>
void gemm_strided_batched(int device, runtime::Stream stream, Transpose ta, Transpose tb, int m,
                          int n, int k, T alpha, const T* a, int lda, int64_t stride_a, const T* b,
                          int ldb, int64_t stride_b, T beta, T* c, int ldc, int64_t stride_c,
                          int batch) {
  const std::lock_guard lock(handles_mutex);
  check(native_gemm(handle(device, stream), native(ta), native(tb), m, n, k, &alpha, a, lda,
                    stride_a, b, ldb, stride_b, &beta, c, ldc, stride_c, batch),
        "cublas<t>gemmStridedBatched");
}

template void gemm_strided_batched<float>(int, runtime::Stream, Transpose, Transpose, int, int, int,
                                          float, const float*, int, int64_t, const float*, int,
                                          int64_t, float, float*, int, int64_t, int);
template void gemm_strided_batched<double>(int, runtime::Stream, Transpose, Transpose, int, int,
                                           int, double, const double*, int, int64_t, const double*,
                                           int, int64_t, double, double*, int, int64_t, int);

}  // namespace kiln::cuda::blas
