// selective_scan: one node over the fused kernels of tensor/ops_selective_scan.h, whose
// backward kernel gives every input's gradient from the forward pass's chunk checkpoints.
// When the backward pass is itself recorded, the gradients come from
// selective_scan_reference (differentiable ops) instead, so that they can be
// differentiated again. selective_scan_reference is selective_scan_ref of
// state-spaces/mamba (mamba_ssm/ops/selective_scan_interface.py), op for op.
#include "tensor/ops_selective_scan.h"

#include <vector>

#include "autograd/engine.h"
#include "autograd/op_definition.h"

namespace kiln {

namespace {

// The inputs in the node's order.
enum Input { kU, kDelta, kA, kB, kC, kD, kZ, kDeltaBias, kInputs };

SelectiveScanOperands operands_of(const std::vector<Tensor>& inputs, bool delta_softplus) {
  return {inputs[kU], inputs[kDelta], inputs[kA],         inputs[kB],    inputs[kC],
          inputs[kD], inputs[kZ],     inputs[kDeltaBias], delta_softplus};
}

// The gradients through the reference's graph, differentiable in turn.
Grads recorded_grads(const BackwardContext& ctx, const std::vector<Tensor>& inputs,
                     bool delta_softplus, const Tensor& d_out, const Tensor& d_last_state) {
  const SelectiveScanOutput reference =
      selective_scan_reference(inputs[kU], inputs[kDelta], inputs[kA], inputs[kB], inputs[kC],
                               inputs[kD], inputs[kZ], inputs[kDeltaBias], delta_softplus);
  std::vector<Tensor> outputs{reference.out}, seeds{d_out};
  if (d_last_state.defined()) {
    outputs.push_back(reference.last_state);
    seeds.push_back(d_last_state);
  }
  std::vector<Tensor> wanted;
  std::vector<size_t> positions;
  for (size_t i = 0; i < kInputs; ++i) {
    if (inputs[i].defined() && ctx.needs_grad(i)) {
      wanted.push_back(inputs[i]);
      positions.push_back(i);
    }
  }
  const std::vector<Tensor> found = grad(outputs, wanted, seeds, true, true, true);
  Grads grads(kInputs);
  for (size_t k = 0; k < positions.size(); ++k) grads[positions[k]] = found[k];
  return grads;
}

Grads kernel_grads(const std::vector<Tensor>& inputs, bool delta_softplus, const Tensor& states,
                   const Tensor& d_out, const Tensor& d_last_state) {
  const raw::SelectiveScanGrads g = raw::selective_scan_backward(
      operands_of(inputs, delta_softplus), states, d_out, d_last_state);
  return {g.du, g.ddelta, g.dA, g.dB, g.dC, g.dD, g.dz, g.ddelta_bias};
}

SelectiveScanOutput scan(const std::vector<Tensor>& inputs, bool delta_softplus,
                         bool with_last_state) {
  const raw::SelectiveScanResult result = raw::selective_scan(operands_of(inputs, delta_softplus));
  const Tensor last_state =
      with_last_state ? raw::contiguous(raw::select(result.states, 2, -1)) : Tensor();
  if (!any_requires_grad(std::span<const Tensor>(inputs))) return {result.out, last_state};
  std::vector<SavedTensor> saved;
  for (const Tensor& input : inputs) saved.emplace_back(input);
  const Shape out_shape = result.out.shape();
  const Shape state_shape = with_last_state ? last_state.shape() : Shape();
  const int64_t out_size = result.out.numel();
  const int64_t state_size = with_last_state ? last_state.numel() : 0;
  auto backward = [saved, states = result.states, delta_softplus, with_last_state, out_shape,
                   state_shape, out_size, state_size](const BackwardContext& ctx) -> Grads {
    std::vector<Tensor> inputs;
    for (const SavedTensor& input : saved) inputs.push_back(input.get());
    Tensor d_out = ctx.grad(), d_last_state;
    if (with_last_state) {
      d_last_state = ctx.grad().narrow(0, out_size, state_size).reshape(state_shape);
      d_out = ctx.grad().narrow(0, 0, out_size).reshape(out_shape);
    }
    if (GradMode::is_enabled()) {
      return recorded_grads(ctx, inputs, delta_softplus, d_out, d_last_state);
    }
    return kernel_grads(inputs, delta_softplus, states, d_out, d_last_state);
  };
  if (!with_last_state) {
    return {record(Op::selective_scan, result.out, inputs, std::move(backward)), Tensor()};
  }
  // One node gives both outputs: they are views of its flat result.
  const Tensor both =
      record(Op::selective_scan, raw::cat({raw::flatten(result.out), raw::flatten(last_state)}),
             inputs, std::move(backward));
  return {both.narrow(0, 0, out_size).reshape(out_shape),
          both.narrow(0, out_size, state_size).reshape(state_shape)};
}

}  // namespace

Tensor selective_scan(const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& B,
                      const Tensor& C, const Tensor& D_skip, const Tensor& z,
                      const Tensor& delta_bias, bool delta_softplus) {
  return scan({u, delta, A, B, C, D_skip, z, delta_bias}, delta_softplus, false).out;
}

SelectiveScanOutput selective_scan_with_last_state(const Tensor& u, const Tensor& delta,
                                                   const Tensor& A, const Tensor& B,
                                                   const Tensor& C, const Tensor& D_skip,
                                                   const Tensor& z, const Tensor& delta_bias,
                                                   bool delta_softplus) {
  return scan({u, delta, A, B, C, D_skip, z, delta_bias}, delta_softplus, true);
}

namespace {

// B or C at every step as [Bt or 1, D or 1, L, N] (or [D, 1, N] when fixed), each channel
// reading its group.
Tensor per_step(const Tensor& b_or_c, int64_t channels) {
  if (b_or_c.dim() == 2) return b_or_c.unsqueeze(1);
  if (b_or_c.dim() == 3) return b_or_c.unsqueeze(1).transpose(-1, -2);
  return repeat_interleave(b_or_c, channels / b_or_c.size(1), 1).transpose(-1, -2);
}

}  // namespace

SelectiveScanOutput selective_scan_reference(const Tensor& u, const Tensor& delta, const Tensor& A,
                                             const Tensor& B, const Tensor& C, const Tensor& D_skip,
                                             const Tensor& z, const Tensor& delta_bias,
                                             bool delta_softplus) {
  // The kernels' checks, so that both give the same errors.
  raw::check_selective_scan(
      {u.detach(), delta.detach(), A.detach(), B.detach(), C.detach(),
       D_skip.defined() ? D_skip.detach() : D_skip, z.defined() ? z.detach() : z,
       delta_bias.defined() ? delta_bias.detach() : delta_bias, delta_softplus});
  Tensor dt = delta_bias.defined() ? delta + delta_bias.unsqueeze(-1) : delta;
  if (delta_softplus) dt = softplus(dt);
  const Tensor decay = exp(dt.unsqueeze(-1) * A.unsqueeze(1));  // [Bt, D, L, N]
  const Tensor input = (dt * u).unsqueeze(-1) * per_step(B, u.size(1));
  const Tensor readout = per_step(C, u.size(1));
  Tensor x = zeros({u.size(0), u.size(1), A.size(1)}, {.dtype = u.dtype(), .device = u.device()});
  std::vector<Tensor> ys;
  for (int64_t l = 0; l < u.size(2); ++l) {
    x = decay.select(2, l) * x + input.select(2, l);
    ys.push_back((x * readout.select(-2, C.dim() == 2 ? 0 : l)).sum({-1}));
  }
  Tensor out = ys.empty() ? zeros_like(u) : stack(ys, 2);
  if (D_skip.defined()) out = out + u * D_skip.unsqueeze(-1);
  if (z.defined()) out = out * silu(z);
  return {out, x};
}

}  // namespace kiln
