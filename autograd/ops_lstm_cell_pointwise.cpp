// lstm_cell_pointwise: fused forward and backward kernels (tensor/ops_lstm_cell_pointwise.h);
// one node whose [2, N, H] result holds h' and c', handed out as views.
#include "tensor/ops_lstm_cell_pointwise.h"

#include "autograd/op_definition.h"

namespace kiln {

namespace {

// The gradients in ops, for a recorded backward pass (a second derivative).
Grads recorded_gradients(const Tensor& input_gates, const Tensor& hidden_gates, const Tensor& c,
                         const Tensor& grad) {
  const std::vector<Tensor> gates = (input_gates + hidden_gates).chunk(4, -1);
  const Tensor si = sigmoid(gates[0]), sf = sigmoid(gates[1]), tg = tanh(gates[2]),
               so = sigmoid(gates[3]);
  const Tensor tc = tanh(sf * c + si * tg);
  const Tensor dh = grad.select(0, 0);
  const Tensor dcell = grad.select(0, 1) + dh * so * (1 - tc * tc);
  const Tensor dgates = cat({dcell * tg * si * (1 - si), dcell * c * sf * (1 - sf),
                             dcell * si * (1 - tg * tg), dh * tc * so * (1 - so)},
                            -1);
  return {dgates, dgates, dcell * sf};
}

}  // namespace

LstmCellState lstm_cell_pointwise(const Tensor& input_gates, const Tensor& hidden_gates,
                                  const Tensor& c) {
  Tensor out = raw::lstm_cell_pointwise(input_gates, hidden_gates, c);
  if (any_requires_grad(input_gates, hidden_gates, c)) {
    out = record(
        Op::lstm_cell_pointwise, std::move(out), {input_gates, hidden_gates, c},
        [input_gates = SavedTensor(input_gates), hidden_gates = SavedTensor(hidden_gates),
         c = SavedTensor(c)](const BackwardContext& ctx) -> Grads {
          if (GradMode::is_enabled()) {
            return recorded_gradients(input_gates.get(), hidden_gates.get(), c.get(), ctx.grad());
          }
          const raw::LstmCellPointwiseGrads grads = raw::lstm_cell_pointwise_backward(
              ctx.grad(), input_gates.get(), hidden_gates.get(), c.get(), ctx.result());
          return {grads.gates, grads.gates, grads.c};
        },
        Save::Result);
  }
  return {out.select(0, 0), out.select(0, 1)};
}

}  // namespace kiln
