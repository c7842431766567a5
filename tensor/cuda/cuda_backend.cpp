// Memory, transfers, fill, copy, add and the registration of the CUDA backend.
#include "tensor/cuda/cuda_backend.h"

#include <array>

#include "tensor/cuda/caching_allocator.h"
#include "tensor/cuda/cuda.h"
#include "tensor/cuda/kernels.h"
#include "tensor/cuda/runtime.h"
#include "tensor/cuda/stream.h"
#include "tensor/tensor.h"

namespace kiln::cuda {

namespace {

[[maybe_unused]] const bool registered = [] {
  static CudaBackend instance;
  register_backend(DeviceType::CUDA, &instance);
  return true;
}();

using runtime::DeviceGuard;

// Copies between host memory and the device holding `device_pointer`, which the copy must
// run on: the default stream of another device would not wait for the kernels queued on
// this one. Synchronous, as the seam promises the host side.
void transfer(void* dst, const void* src, size_t nbytes, runtime::CopyKind kind,
              const void* device_pointer) {
  if (nbytes == 0) return;
  const DeviceGuard guard(runtime::device_of(device_pointer));
  runtime::memcpy_async(dst, src, nbytes, kind, current_stream());
  runtime::synchronize_stream(current_stream());
}

template <int N>
StridedOperands<N> strided_operands(const std::array<const Tensor*, N>& tensors) {
  StridedOperands<N> layout;
  const Tensor& first = *tensors[0];
  layout.rank = first.dim();
  layout.numel = first.numel();
  for (int d = 0; d < layout.rank; ++d) {
    layout.shape[d] = first.shape()[d];
    for (int t = 0; t < N; ++t) layout.strides[t][d] = tensors[t]->strides()[d];
  }
  return layout;
}

}  // namespace

void not_implemented(const std::string& what) {
  throw Error(what + ": not implemented on cuda yet (the CUDA backend is a later issue)");
}

void* CudaBackend::allocate(size_t nbytes, int device_index) {
  KILN_CHECK(device_index >= 0 && device_index < device_count(), "allocate: cannot allocate ",
             nbytes, " bytes on cuda:", device_index, ": no such device (", device_count(),
             " CUDA devices visible)");
  if (nbytes == 0) return nullptr;
  return caching_allocator::allocate(nbytes, device_index);
}

void CudaBackend::deallocate(void* data, size_t) noexcept {
  caching_allocator::release(data);
}

void CudaBackend::copy_from_host(void* device_dst, const void* host_src, size_t nbytes) {
  transfer(device_dst, host_src, nbytes, runtime::CopyKind::HostToDevice, device_dst);
}

void CudaBackend::copy_to_host(void* host_dst, const void* device_src, size_t nbytes) {
  transfer(host_dst, device_src, nbytes, runtime::CopyKind::DeviceToHost, device_src);
}
void CudaBackend::fill(const Tensor& out, Scalar value) {
  if (out.numel() == 0) return;
  const DeviceGuard guard(out.device().index);
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_fill(out.data<T>(), strided_operands<1>({&out}), value.to<T>());
  });
}

void CudaBackend::copy(const Tensor& out, const Tensor& in) {
  if (out.dtype() != in.dtype() || !out.is_contiguous() || !in.is_contiguous()) {
    not_implemented(detail::concat("copy (from ", in.dtype(), " ", in.shape(), " with strides ",
                                   in.strides(), " to ", out.dtype(), " with strides ",
                                   out.strides(), ")"));
  }
  const size_t nbytes = out.numel() * itemsize(out.dtype());
  if (nbytes == 0) return;
  const DeviceGuard guard(out.device().index);
  runtime::memcpy_async(out.data_ptr(), in.data_ptr(), nbytes, runtime::CopyKind::DeviceToDevice,
                        current_stream());
}

void CudaBackend::binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  if (op != BinaryOp::Add || !is_floating(out.dtype())) {
    not_implemented(detail::concat(op_name(op), " (", out.dtype(), ")"));
  }
  if (out.numel() == 0) return;
  const DeviceGuard guard(out.device().index);
  visit_floating(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_add(out.data<T>(), a.data<T>(), b.data<T>(), strided_operands<3>({&out, &a, &b}));
  });
}

void CudaBackend::arange(const Tensor&, double, double) {
  not_implemented("arange");
}

void CudaBackend::random(Distribution, const Tensor&, PhiloxPosition, double, double) {
  not_implemented("random");
}

void CudaBackend::unary(UnaryOp op, const Tensor&, const Tensor&, UnaryParams) {
  not_implemented(op_name(op));
}

void CudaBackend::where(const Tensor&, const Tensor&, const Tensor&, const Tensor&) {
  not_implemented("where");
}

void CudaBackend::reduce(ReduceOp, const Tensor&, const Tensor&, const Dims&) {
  not_implemented("reduce");
}

void CudaBackend::arg_reduce(ReduceOp, const Tensor&, const Tensor&, const Tensor&, int) {
  not_implemented("arg_reduce");
}

void CudaBackend::scan(ScanOp, const Tensor&, const Tensor&, int) {
  not_implemented("scan");
}

void CudaBackend::sort(const Tensor&, const Tensor&, const Tensor&, int, bool) {
  not_implemented("sort");
}

void CudaBackend::softmax(const Tensor&, const Tensor&, int, bool log) {
  not_implemented(log ? "log_softmax" : "softmax");
}

void CudaBackend::layer_norm(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                             const Tensor&, const Tensor&, double) {
  not_implemented("layer_norm");
}

void CudaBackend::index_select(const Tensor&, const Tensor&, int, const Tensor&) {
  not_implemented("index_select");
}

void CudaBackend::gather(const Tensor&, const Tensor&, int, const Tensor&) {
  not_implemented("gather");
}

void CudaBackend::scatter(const Tensor&, int, const Tensor&, const Tensor&, ScatterMode) {
  not_implemented("scatter");
}

void CudaBackend::index_add(const Tensor&, int, const Tensor&, const Tensor&) {
  not_implemented("index_add");
}

void CudaBackend::sgd_update(std::span<const SGDSlot>, const SGDOptions&) {
  not_implemented("sgd_update");
}

void CudaBackend::adam_update(std::span<const AdamSlot>, const AdamOptions&) {
  not_implemented("adam_update");
}

void CudaBackend::adagrad_update(std::span<const AdagradSlot>, const AdagradOptions&) {
  not_implemented("adagrad_update");
}

void CudaBackend::rmsprop_update(std::span<const RMSpropSlot>, const RMSpropOptions&) {
  not_implemented("rmsprop_update");
}

}  // namespace kiln::cuda
