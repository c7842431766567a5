// Elementwise kernels: fill, copy (with dtype conversion), arange, and the unary, binary
// and where ops on the formulas of tensor/elementwise_formulas.h.
#include <cstring>

#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/strided.h"
#include "tensor/elementwise_formulas.h"

namespace kiln::cuda {

namespace {

template <typename T>
__global__ void fill_kernel(T* out, StridedOperands<1> layout, T value) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[1];
    offsets_of(layout, i, offsets);
    out[offsets[0]] = value;
  }
}

// out = f(in) elementwise.
template <typename Out, typename In, typename F>
__global__ void map_unary_kernel(Out* out, const In* in, StridedOperands<2> layout, F f) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[2];
    offsets_of(layout, i, offsets);
    out[offsets[0]] = f(in[offsets[1]]);
  }
}

// out = f(a, b) elementwise.
template <typename Out, typename In, typename F>
__global__ void map_binary_kernel(Out* out, const In* a, const In* b, StridedOperands<3> layout,
                                  F f) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[3];
    offsets_of(layout, i, offsets);
    out[offsets[0]] = f(a[offsets[1]], b[offsets[2]]);
  }
}

template <typename T>
__global__ void where_kernel(T* out, const bool* condition, const T* a, const T* b,
                             StridedOperands<4> layout) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t offsets[4];
    offsets_of(layout, i, offsets);
    out[offsets[0]] = condition[offsets[1]] ? a[offsets[2]] : b[offsets[3]];
  }
}

template <typename T>
__global__ void arange_kernel(T* out, int64_t stride, int64_t n, double start, double step) {
  for (int64_t i = first_index(); i < n; i += grid_stride()) {
    out[i * stride] = static_cast<T>(start + step * static_cast<double>(i));
  }
}

template <typename Out, typename In>
struct Convert {
  KILN_HOST_DEVICE Out operator()(In x) const { return convert<Out>(x); }
};

template <UnaryOp op, typename T>
struct UnaryFormula {
  UnaryParams params;
  KILN_HOST_DEVICE T operator()(T x) const { return unary_value<op, DeviceMath>(x, params); }
};

template <typename T>
struct IsZero {
  KILN_HOST_DEVICE bool operator()(T x) const { return x == T(0); }
};

template <BinaryOp op, typename T>
struct BinaryFormula {
  KILN_HOST_DEVICE auto operator()(T a, T b) const { return binary_value<op>(a, b); }
};

template <typename Out, typename In, typename F>
void map_unary(const char* name, const Tensor& out, const Tensor& in, F f) {
  launch(name, map_unary_kernel<Out, In, F>, grid_for(out.numel()), out.data<Out>(), in.data<In>(),
         strided_operands<2>({&out, &in}), f);
}

}  // namespace

void CudaBackend::fill(const Tensor& out, Scalar value) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T filled = value.to<T>();
    // Zeros (all bits clear, so not -0.0) of a contiguous tensor are a memset.
    const T zero{};
    if (out.is_contiguous() && std::memcmp(&filled, &zero, sizeof(T)) == 0) {
      runtime::memset_async(out.data_ptr(), 0, out.numel() * sizeof(T), current_stream());
      return;
    }
    launch("fill", fill_kernel<T>, grid_for(out.numel()), out.data<T>(),
           strided_operands<1>({&out}), filled);
  });
}

void CudaBackend::copy(const Tensor& out, const Tensor& in) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  if (out.dtype() == in.dtype() && out.is_contiguous() && in.is_contiguous()) {
    runtime::memcpy_async(out.data_ptr(), in.data_ptr(), out.numel() * itemsize(out.dtype()),
                          runtime::CopyKind::DeviceToDevice, current_stream());
    return;
  }
  visit_dtype(out.dtype(), [&](auto out_tag) {
    visit_dtype(in.dtype(), [&](auto in_tag) {
      using Out = typename decltype(out_tag)::type;
      using In = typename decltype(in_tag)::type;
      map_unary<Out, In>("copy", out, in, Convert<Out, In>{});
    });
  });
}

void CudaBackend::arange(const Tensor& out, double start, double step) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  visit_numeric(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("arange", arange_kernel<T>, grid_for(out.numel()), out.data<T>(), out.strides()[0],
           out.numel(), start, step);
  });
}

void CudaBackend::unary(UnaryOp op, const Tensor& out, const Tensor& in, UnaryParams params) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  visit_unary(op, in.dtype(), [&](auto op_tag, auto type_tag) {
    constexpr UnaryOp kOp = decltype(op_tag)::value;
    using T = typename decltype(type_tag)::type;
    if constexpr (kOp == UnaryOp::LogicalNot) {
      map_unary<bool, T>(op_name(op), out, in, IsZero<T>{});
    } else {
      map_unary<T, T>(op_name(op), out, in, UnaryFormula<kOp, T>{params});
    }
  });
}

void CudaBackend::binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  visit_binary(op, a.dtype(), [&](auto op_tag, auto type_tag) {
    constexpr BinaryOp kOp = decltype(op_tag)::value;
    using T = typename decltype(type_tag)::type;
    using Out = decltype(binary_value<kOp>(T{}, T{}));
    using F = BinaryFormula<kOp, T>;
    launch(op_name(op), map_binary_kernel<Out, T, F>, grid_for(out.numel()), out.data<Out>(),
           a.data<T>(), b.data<T>(), strided_operands<3>({&out, &a, &b}), F{});
  });
}

void CudaBackend::where(const Tensor& out, const Tensor& condition, const Tensor& a,
                        const Tensor& b) {
  if (out.numel() == 0) return;
  const runtime::DeviceGuard guard(out.device().index);
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch("where", where_kernel<T>, grid_for(out.numel()), out.data<T>(), condition.data<bool>(),
           a.data<T>(), b.data<T>(), strided_operands<4>({&out, &condition, &a, &b}));
  });
}

}  // namespace kiln::cuda
