#pragma once

// lstm_cell_pointwise's formulas (tensor/ops_lstm_cell_pointwise.h) for one hidden unit,
// written once for the CPU and CUDA kernels; Math supplies exp and tanh (DeviceMath, or the
// CPU's vectorisable float32 versions), sigmoid is the elementwise op's formula. Scalars in
// and out: a struct of the four gates kept GCC from vectorising the CPU loops.
#include "tensor/elementwise_formulas.h"
#include "tensor/host_device.h"

namespace kiln {

template <typename Math, typename T>
KILN_HOST_DEVICE T lstm_sigmoid(T x) {
  return unary_value<UnaryOp::Sigmoid, Math>(x, UnaryParams{});
}

// c' and h' from the pre-activations of the gates i, f, g, o and the cell state c.
template <typename Math, typename T>
KILN_HOST_DEVICE void lstm_cell_forward(T i, T f, T g, T o, T c, T& h_out, T& c_out) {
  c_out = lstm_sigmoid<Math>(f) * c + lstm_sigmoid<Math>(i) * Math::tanh(g);
  h_out = lstm_sigmoid<Math>(o) * Math::tanh(c_out);
}

// The gradients of the four pre-activations and of c from dh' and dc' (and c', the forward
// pass's output).
template <typename Math, typename T>
KILN_HOST_DEVICE void lstm_cell_backward(T i, T f, T g, T o, T c, T c_out, T dh, T dc_out, T& di,
                                         T& df, T& dg, T& d_o, T& dc) {
  const T si = lstm_sigmoid<Math>(i), sf = lstm_sigmoid<Math>(f), so = lstm_sigmoid<Math>(o);
  const T tg = Math::tanh(g), tc = Math::tanh(c_out);
  const T dcell = dc_out + dh * so * (T(1) - tc * tc);
  di = dcell * tg * si * (T(1) - si);
  df = dcell * c * sf * (T(1) - sf);
  dg = dcell * si * (T(1) - tg * tg);
  d_o = dh * tc * so * (T(1) - so);
  dc = dcell * sf;
}

}  // namespace kiln
