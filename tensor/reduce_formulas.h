#pragma once

// A reduction's accumulator type, identity and combining step, shared by the CPU and CUDA
// kernels. float32 sums and products accumulate in double.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "tensor/backend.h"
#include "tensor/dtype.h"
#include "tensor/elementwise_formulas.h"

namespace kiln {

template <ReduceOp op, typename T>
struct Reducer {
  using Value = T;
  using Acc =
      std::conditional_t<(op == ReduceOp::Sum || op == ReduceOp::Prod) && std::is_same_v<T, float>,
                         double, T>;

  KILN_HOST_DEVICE static Acc identity() {
    if constexpr (op == ReduceOp::Sum || op == ReduceOp::Any)
      return Acc(0);
    else if constexpr (op == ReduceOp::Prod || op == ReduceOp::All)
      return Acc(1);
    else if constexpr (op == ReduceOp::Max) {
      if constexpr (std::is_floating_point_v<T>)
        return -static_cast<T>(INFINITY);
      else
        return INT64_MIN;
    } else {
      if constexpr (std::is_floating_point_v<T>)
        return static_cast<T>(INFINITY);
      else
        return INT64_MAX;
    }
  }

  // Max and min propagate NaN from either side.
  KILN_HOST_DEVICE static Acc combine(Acc acc, Acc x) {
    if constexpr (op == ReduceOp::Sum && std::is_same_v<Acc, int64_t>)
      return wrapping_add(acc, x);
    else if constexpr (op == ReduceOp::Prod && std::is_same_v<Acc, int64_t>)
      return wrapping_mul(acc, x);
    else if constexpr (op == ReduceOp::Sum)
      return acc + x;
    else if constexpr (op == ReduceOp::Prod)
      return acc * x;
    else if constexpr (op == ReduceOp::Max)
      return is_nan(acc) || acc >= x ? acc : x;
    else if constexpr (op == ReduceOp::Min)
      return is_nan(acc) || acc <= x ? acc : x;
    else if constexpr (op == ReduceOp::All)
      return acc && x;
    else
      return acc || x;
  }
};

// Calls fn(Reducer<op, T>{}) with T the type `op` reduces for an input of `dtype`: bool for
// All and Any, the input's (numeric) type for the others.
template <typename Fn>
void visit_reducer(ReduceOp op, DType dtype, Fn&& fn) {
  const auto numeric = [&]<ReduceOp kOp>() {
    visit_numeric(dtype, [&](auto tag) { fn(Reducer<kOp, typename decltype(tag)::type>{}); });
  };
  switch (op) {
    case ReduceOp::Sum:
      return numeric.template operator()<ReduceOp::Sum>();
    case ReduceOp::Prod:
      return numeric.template operator()<ReduceOp::Prod>();
    case ReduceOp::Max:
      return numeric.template operator()<ReduceOp::Max>();
    case ReduceOp::Min:
      return numeric.template operator()<ReduceOp::Min>();
    case ReduceOp::All:
      return fn(Reducer<ReduceOp::All, bool>{});
    case ReduceOp::Any:
      return fn(Reducer<ReduceOp::Any, bool>{});
  }
}

}  // namespace kiln
