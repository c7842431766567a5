// Host transfers, fills, copies and ranges, and the registration of the CPU backend.
#include "tensor/cpu/cpu_backend.h"

#include <cstring>

#include "tensor/cpu/loops.h"
#include "tensor/cpu/vec_math.h"
#include "tensor/random.h"

namespace kiln::cpu {

namespace {
[[maybe_unused]] const bool registered = [] {
  static CpuBackend instance;
  register_backend(DeviceType::CPU, &instance);
  return true;
}();
}  // namespace

void CpuBackend::copy_from_host(void* device_dst, const void* host_src, size_t nbytes) {
  if (nbytes > 0) std::memcpy(device_dst, host_src, nbytes);
}

void CpuBackend::copy_to_host(void* host_dst, const void* device_src, size_t nbytes) {
  if (nbytes > 0) std::memcpy(host_dst, device_src, nbytes);
}

void CpuBackend::fill(const Tensor& out, Scalar value) {
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T filled = value.to<T>();
    for_each_strided<1>({&out}, [filled](const std::array<char*, 1>& data,
                                         const std::array<int64_t, 1>& strides, int64_t n) {
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(data[0] + i * strides[0]) = filled;
    });
  });
}

void CpuBackend::copy(const Tensor& out, const Tensor& in) {
  if (out.dtype() == in.dtype() && out.is_contiguous() && in.is_contiguous()) {
    const int64_t bytes_per_item = itemsize(out.dtype());
    char* dst = static_cast<char*>(out.data_ptr());
    const char* src = static_cast<const char*>(in.data_ptr());
    parallel_for(out.numel(), kParallelGrain, [&](int64_t begin, int64_t end) {
      std::memcpy(dst + begin * bytes_per_item, src + begin * bytes_per_item,
                  (end - begin) * bytes_per_item);
    });
    return;
  }
  visit_dtype(out.dtype(), [&](auto out_tag) {
    visit_dtype(in.dtype(), [&](auto in_tag) {
      using Out = typename decltype(out_tag)::type;
      using In = typename decltype(in_tag)::type;
      map_elementwise<Out, In>([](In x) { return convert<Out>(x); }, out, {in});
    });
  });
}

void CpuBackend::arange(const Tensor& out, double start, double step) {
  visit_numeric(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* data = static_cast<T*>(out.data_ptr());
    const int64_t stride = out.strides()[0];
    parallel_for(out.numel(), kParallelGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        data[i * stride] = static_cast<T>(start + step * static_cast<double>(i));
      }
    });
  });
}

}  // namespace kiln::cpu
