#pragma once

// The pointwise part of an LSTM step (Hochreiter and Schmidhuber 1997, with the forget gate
// of Gers et al. 2000, in PyTorch's gate order i, f, g, o). With the gates' pre-activations
// [i, f, g, o] = input_gates + hidden_gates ([N, 4H]: x W_ih^T + b_ih and h W_hh^T + b_hh):
//   c' = sigmoid(f) c + sigmoid(i) tanh(g),   h' = sigmoid(o) tanh(c')
// and, from the gradients dh' and dc' of its outputs, with tc = tanh(c'):
//   dc~ = dc' + dh' sigmoid(o) (1 - tc^2),   dc = dc~ sigmoid(f)
//   d[i, f, g, o] = [dc~ tanh(g) si (1 - si), dc~ c sf (1 - sf), dc~ si (1 - tanh(g)^2),
//                    dh' tc so (1 - so)]   (si = sigmoid(i), ...)
// one kernel each way instead of a dozen elementwise ops per step.
#include "tensor/dispatch.h"
#include "tensor/tensor.h"

namespace kiln {

// out [2, N, H] (h' then c'); the inputs contiguous, of one floating dtype.
using LstmCellPointwiseKernel = void(const Tensor& out, const Tensor& input_gates,
                                     const Tensor& hidden_gates, const Tensor& c);
KILN_DECLARE_KERNEL(lstm_cell_pointwise_kernel, LstmCellPointwiseKernel);

// grad_gates [N, 4H] and grad_c [N, H] from grad_out [2, N, H] (dh', dc') and the forward
// pass's inputs and output.
using LstmCellPointwiseBackwardKernel = void(const Tensor& grad_gates, const Tensor& grad_c,
                                             const Tensor& grad_out, const Tensor& input_gates,
                                             const Tensor& hidden_gates, const Tensor& c,
                                             const Tensor& out);
KILN_DECLARE_KERNEL(lstm_cell_pointwise_backward_kernel, LstmCellPointwiseBackwardKernel);

namespace raw {
// [2, N, H]: h' and c'. input_gates and hidden_gates [N, 4H], c [N, H].
Tensor lstm_cell_pointwise(const Tensor& input_gates, const Tensor& hidden_gates, const Tensor& c);
struct LstmCellPointwiseGrads {
  Tensor gates, c;
};
LstmCellPointwiseGrads lstm_cell_pointwise_backward(const Tensor& grad_out,
                                                    const Tensor& input_gates,
                                                    const Tensor& hidden_gates, const Tensor& c,
                                                    const Tensor& out);
}  // namespace raw

// Differentiable (autograd/ops_lstm_cell_pointwise.cpp): h' and c', views of one node's
// [2, N, H] result.
struct LstmCellState {
  Tensor h, c;
};
LstmCellState lstm_cell_pointwise(const Tensor& input_gates, const Tensor& hidden_gates,
                                  const Tensor& c);

}  // namespace kiln
