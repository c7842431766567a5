// Elementwise binary kernels and where: the formulas of tensor/elementwise_formulas.h.
#include <cmath>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/loops.h"
#include "tensor/cpu/vec_math.h"

namespace kiln::cpu {

namespace {

template <BinaryOp op, typename T>
void run_binary(const Tensor& out, const Tensor& a, const Tensor& b) {
  using Out = decltype(binary_value<op, T>(T{}, T{}));
  map_elementwise<Out, T, T>([](T x, T y) { return binary_value<op, T>(x, y); }, out, {a, b});
}

// Kernels by result-type rule (see tensor/ops_list.h).
template <BinaryOp op>
void dispatch_Arithmetic(const Tensor& out, const Tensor& a, const Tensor& b) {
  visit_numeric(a.dtype(),
                [&](auto tag) { run_binary<op, typename decltype(tag)::type>(out, a, b); });
}

template <BinaryOp op>
void dispatch_Floating(const Tensor& out, const Tensor& a, const Tensor& b) {
  visit_floating(a.dtype(),
                 [&](auto tag) { run_binary<op, typename decltype(tag)::type>(out, a, b); });
}

template <BinaryOp op>
void dispatch_Compare(const Tensor& out, const Tensor& a, const Tensor& b) {
  visit_dtype(a.dtype(),
              [&](auto tag) { run_binary<op, typename decltype(tag)::type>(out, a, b); });
}

template <BinaryOp op>
void dispatch_Logical(const Tensor& out, const Tensor& a, const Tensor& b) {
  run_binary<op, bool>(out, a, b);
}

}  // namespace

void CpuBackend::binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  switch (op) {
#define KILN_BINARY_CASE(name, Enum, Kind) \
  case BinaryOp::Enum:                     \
    return dispatch_##Kind<BinaryOp::Enum>(out, a, b);
    KILN_BINARY_OPS(KILN_BINARY_CASE)
#undef KILN_BINARY_CASE
  }
}

void CpuBackend::where(const Tensor& out, const Tensor& condition, const Tensor& a,
                       const Tensor& b) {
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    map_elementwise<T, bool, T, T>([](bool c, T x, T y) { return c ? x : y; }, out,
                                   {condition, a, b});
  });
}

}  // namespace kiln::cpu
