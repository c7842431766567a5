// Front end of selective_scan (kernels: tensor/cpu/selective_scan.cpp,
// tensor/cuda/selective_scan.cu): checks the operands against u [Bt, D, L] and A [D, N],
// brings B and C to [D, N] or [Bt, G, N, L], and sums the kernels' partial gradients.
#include "tensor/ops_selective_scan.h"

#include "tensor/creation.h"
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln {

KILN_DEFINE_KERNEL(selective_scan_forward_kernel, SelectiveScanForwardKernel);
KILN_DEFINE_KERNEL(selective_scan_backward_kernel, SelectiveScanBackwardKernel);

namespace {

constexpr const char* kOp = "selective_scan";

void check_operand(const Tensor& operand, const char* role, const Tensor& u) {
  KILN_CHECK(operand.dtype() == u.dtype(), kOp, ": ", role, " dtype ", operand.dtype(),
             " differs from u's ", u.dtype());
  detail::check_same_device(kOp, u, operand);
}

void check_shape(const Tensor& operand, const char* role, const Shape& expected) {
  KILN_CHECK(operand.shape() == expected, kOp, ": ", role, " of shape ", operand.shape(),
             " should be ", expected);
}

// B or C as [D, N] (fixed) or [Bt, G, N, L] (input-dependent), contiguous.
Tensor state_projection(const Tensor& b_or_c, const char* role, const Shape& u_shape,
                        int64_t state) {
  const int64_t batch = u_shape[0], channels = u_shape[1], length = u_shape[2];
  const int dims = b_or_c.dim();
  const bool fits =
      (dims == 2 && b_or_c.shape() == Shape{channels, state}) ||
      (dims == 3 && b_or_c.shape() == Shape{batch, state, length}) ||
      (dims == 4 && b_or_c.size(0) == batch && b_or_c.size(2) == state &&
       b_or_c.size(3) == length && b_or_c.size(1) > 0 && channels % b_or_c.size(1) == 0);
  KILN_CHECK(fits, kOp, ": ", role, " of shape ", b_or_c.shape(), " fits none of [D, N] = [",
             channels, ", ", state, "], [Bt, N, L] = [", batch, ", ", state, ", ", length,
             "] or [Bt, G, N, L] with G dividing D = ", channels);
  if (dims == 3) return raw::contiguous(raw::reshape(b_or_c, {batch, 1, state, length}));
  return raw::contiguous(b_or_c);
}

// The operands checked and in the kernels' layout.
SelectiveScanOperands prepared(const SelectiveScanOperands& in) {
  const Tensor& u = in.u;
  detail::check_floating(kOp, u);
  KILN_CHECK(u.dim() == 3, kOp, ": u must be [Bt, D, L], got shape ", u.shape());
  KILN_CHECK(in.A.dim() == 2 && in.A.size(0) == u.size(1), kOp, ": A of shape ", in.A.shape(),
             " should be [D, N] with D = ", u.size(1), " (u's channels)");
  const std::pair<const Tensor*, const char*> operands[] = {{&in.delta, "delta"},
                                                            {&in.A, "A"},
                                                            {&in.B, "B"},
                                                            {&in.C, "C"},
                                                            {&in.D_skip, "D"},
                                                            {&in.z, "z"},
                                                            {&in.delta_bias, "delta_bias"}};
  for (const auto& [operand, role] : operands) {
    KILN_CHECK(operand->defined() || operand == &in.D_skip || operand == &in.z ||
                   operand == &in.delta_bias,
               kOp, ": ", role, " is required");
    if (operand->defined()) check_operand(*operand, role, u);
  }
  check_shape(in.delta, "delta", u.shape());
  if (in.z.defined()) check_shape(in.z, "z", u.shape());
  for (const Tensor* per_channel : {&in.D_skip, &in.delta_bias}) {
    if (per_channel->defined()) {
      check_shape(*per_channel, per_channel == &in.D_skip ? "D" : "delta_bias", {u.size(1)});
    }
  }
  const int64_t state = in.A.size(1);
  KILN_CHECK(in.B.dim() < 3 || in.C.dim() < 3 ||
                 (in.B.dim() == 3 ? 1 : in.B.size(1)) == (in.C.dim() == 3 ? 1 : in.C.size(1)),
             kOp, ": input-dependent B ", in.B.shape(), " and C ", in.C.shape(),
             " must have the same number of groups");
  const auto maybe_contiguous = [](const Tensor& x) {
    return x.defined() ? raw::contiguous(x) : x;
  };
  return {raw::contiguous(u),
          raw::contiguous(in.delta),
          raw::contiguous(in.A),
          state_projection(in.B, "B", u.shape(), state),
          state_projection(in.C, "C", u.shape(), state),
          maybe_contiguous(in.D_skip),
          maybe_contiguous(in.z),
          maybe_contiguous(in.delta_bias),
          in.delta_softplus};
}

// A fixed operand's gradient summed over the batch, or an input-dependent one's over the
// channel blocks, in the operand's own shape.
Tensor summed_projection_grad(const Tensor& partial, const Tensor& operand) {
  if (operand.dim() == 2) return raw::sum(partial, {0});
  return raw::reshape(raw::sum(partial, {2}), operand.shape());
}

Tensor projection_buffer(const Tensor& operand, const SelectiveScanOperands& in) {
  if (!SelectiveScanOperands::varies(operand)) {
    return make_tensor({in.batch(), in.channels(), in.state()}, in.u.dtype(), in.u.device(),
                       "selective_scan");
  }
  return make_tensor({in.batch(), in.groups(), in.blocks_per_group(), in.state(), in.length()},
                     in.u.dtype(), in.u.device(), "selective_scan");
}

}  // namespace

void raw::check_selective_scan(const SelectiveScanOperands& operands) {
  (void)prepared(operands);
}

raw::SelectiveScanResult raw::selective_scan(const SelectiveScanOperands& operands) {
  const SelectiveScanOperands in = prepared(operands);
  const TensorOptions like{.dtype = in.u.dtype(), .device = in.u.device()};
  Tensor out = make_tensor(in.u.shape(), in.u.dtype(), in.u.device(), "selective_scan");
  if (in.length() == 0) {
    return {out, zeros({in.batch(), in.channels(), 1, in.state()}, like)};
  }
  Tensor states = make_tensor({in.batch(), in.channels(), in.chunks(), in.state()}, in.u.dtype(),
                              in.u.device(), "selective_scan");
  if (in.batch() * in.channels() > 0) {
    selective_scan_forward_kernel(in.u.device())(in, out, states);
  }
  return {out, states};
}

raw::SelectiveScanGrads raw::selective_scan_backward(const SelectiveScanOperands& operands,
                                                     const Tensor& states, const Tensor& d_out,
                                                     const Tensor& d_last_state) {
  const SelectiveScanOperands in = prepared(operands);
  check_shape(d_out, "the output gradient", in.u.shape());
  if (d_last_state.defined()) {
    check_shape(d_last_state, "the last state's gradient", {in.batch(), in.channels(), in.state()});
  }
  const auto buffer = [&](const Shape& shape) {
    return make_tensor(shape, in.u.dtype(), in.u.device(), "selective_scan");
  };
  SelectiveScanGradBuffers grads{.du = buffer(in.u.shape()),
                                 .ddelta = buffer(in.u.shape()),
                                 .dA = buffer({in.batch(), in.channels(), in.state()}),
                                 .dB = projection_buffer(in.B, in),
                                 .dC = projection_buffer(in.C, in),
                                 .dD = buffer({in.batch(), in.channels()}),
                                 .dz = in.z.defined() ? buffer(in.u.shape()) : Tensor()};
  if (in.length() == 0 || in.batch() * in.channels() == 0) {
    for (const Tensor* grad :
         {&grads.du, &grads.ddelta, &grads.dA, &grads.dB, &grads.dC, &grads.dD, &grads.dz}) {
      if (grad->defined()) raw::fill_(*grad, 0);
    }
  } else {
    selective_scan_backward_kernel(in.u.device())(
        in, raw::contiguous(states), raw::contiguous(d_out),
        d_last_state.defined() ? raw::contiguous(d_last_state) : d_last_state, grads);
  }
  return {grads.du,
          grads.ddelta,
          raw::sum(grads.dA, {0}),
          summed_projection_grad(grads.dB, operands.B),
          summed_projection_grad(grads.dC, operands.C),
          in.D_skip.defined() ? raw::sum(grads.dD, {0}) : Tensor(),
          grads.dz,
          in.delta_bias.defined() ? raw::sum(grads.ddelta, {0, 2}) : Tensor()};
}

}  // namespace kiln
