// Front end of lstm_cell_pointwise (fused kernels, tensor/cpu/lstm_cell_pointwise.cpp,
// tensor/cuda/lstm_cell_pointwise.cu).
#include "tensor/ops_lstm_cell_pointwise.h"

#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln {
KILN_DEFINE_KERNEL(lstm_cell_pointwise_kernel, LstmCellPointwiseKernel);
KILN_DEFINE_KERNEL(lstm_cell_pointwise_backward_kernel, LstmCellPointwiseBackwardKernel);
}  // namespace kiln

namespace kiln::raw {

namespace {

void check_operands(const Tensor& input_gates, const Tensor& hidden_gates, const Tensor& c) {
  constexpr const char* kOp = "lstm_cell_pointwise";
  detail::check_floating(kOp, c);
  KILN_CHECK(c.dim() == 2, kOp, ": the cell state must be [N, H], got shape ", c.shape());
  const Shape gates{c.size(0), 4 * c.size(1)};
  for (const Tensor* x : {&input_gates, &hidden_gates}) {
    detail::check_same_device(kOp, *x, c);
    KILN_CHECK(x->shape() == gates, kOp, ": gates of shape ", x->shape(), " for a cell state of ",
               "shape ", c.shape(), " (expected ", gates, ")");
    KILN_CHECK(x->dtype() == c.dtype(), kOp, ": gates of dtype ", x->dtype(),
               " and a cell state of dtype ", c.dtype());
  }
}

}  // namespace

Tensor lstm_cell_pointwise(const Tensor& input_gates, const Tensor& hidden_gates, const Tensor& c) {
  check_operands(input_gates, hidden_gates, c);
  Tensor out = make_tensor({2, c.size(0), c.size(1)}, c.dtype(), c.device(), "lstm_cell_pointwise");
  if (c.numel() > 0) {
    lstm_cell_pointwise_kernel(c.device())(out, contiguous(input_gates), contiguous(hidden_gates),
                                           contiguous(c));
  }
  return out;
}

LstmCellPointwiseGrads lstm_cell_pointwise_backward(const Tensor& grad_out,
                                                    const Tensor& input_gates,
                                                    const Tensor& hidden_gates, const Tensor& c,
                                                    const Tensor& out) {
  check_operands(input_gates, hidden_gates, c);
  KILN_CHECK(grad_out.shape() == out.shape(), "lstm_cell_pointwise_backward: gradient of shape ",
             grad_out.shape(), " for an output of shape ", out.shape());
  LstmCellPointwiseGrads grads{
      make_tensor(input_gates.shape(), c.dtype(), c.device(), "lstm_cell_pointwise_backward"),
      make_tensor(c.shape(), c.dtype(), c.device(), "lstm_cell_pointwise_backward")};
  if (c.numel() > 0) {
    lstm_cell_pointwise_backward_kernel(c.device())(
        grads.gates, grads.c, contiguous(to(grad_out, c.dtype())), contiguous(input_gates),
        contiguous(hidden_gates), contiguous(c), contiguous(out));
  }
  return grads;
}

}  // namespace kiln::raw
