#pragma once

// The selective scan of Mamba (Gu and Dao 2023, "Mamba: Linear-Time Sequence Modeling with
// Selective State Spaces", section 3), with the semantics of selective_scan_ref in
// state-spaces/mamba. Per batch b, channel d and state n, over steps l:
//   dt_l = softplus(delta_l + delta_bias)    (or without softplus)
//   x_l  = exp(dt_l A_n) x_{l-1} + dt_l B_{n,l} u_l          (ZOH for A, Euler for B)
//   y_l  = sum_n C_{n,l} x_l + D u_l,   out_l = y_l silu(z_l)  (without z: out_l = y_l)
// The kernels keep each channel's state in registers or cache, never a [Bt, D, L, N]
// history: the forward pass stores the state at the end of every chunk of
// kSelectiveScanChunk steps, and the backward pass recomputes each chunk's states from the
// checkpoint before it, walking the chunks in reverse.
#include "tensor/dispatch.h"
#include "tensor/tensor.h"

namespace kiln {

inline constexpr int64_t kSelectiveScanChunk = 64;
// Channels whose gradients for an input-dependent B or C one kernel task (a CUDA block)
// sums; the front end sums the tasks' partials.
inline constexpr int64_t kSelectiveScanChannelBlock = 32;

// The kernels' operands: contiguous, one floating dtype, one device. u, delta and z are
// [Bt, D, L]; A is [D, N]; B and C are [D, N] (the same at every step) or [Bt, G, N, L]
// (input-dependent, channel d reading group d / (D / G)); D_skip and delta_bias are [D].
// D_skip, z and delta_bias may be undefined.
struct SelectiveScanOperands {
  Tensor u, delta, A, B, C, D_skip, z, delta_bias;
  bool delta_softplus = false;

  int64_t batch() const { return u.size(0); }
  int64_t channels() const { return u.size(1); }
  int64_t length() const { return u.size(2); }
  int64_t state() const { return A.size(1); }
  static bool varies(const Tensor& b_or_c) { return b_or_c.dim() == 4; }
  int64_t chunks() const { return (length() + kSelectiveScanChunk - 1) / kSelectiveScanChunk; }
  // The groups of the input-dependent B or C (they have the same count), 1 when both are
  // fixed; and the channel blocks of one group, for their gradients' partial sums.
  int64_t groups() const { return varies(B) ? B.size(1) : (varies(C) ? C.size(1) : 1); }
  int64_t blocks_per_group() const {
    return (channels() / groups() + kSelectiveScanChannelBlock - 1) / kSelectiveScanChannelBlock;
  }
};

// out [Bt, D, L]; states [Bt, D, chunks, N]: x at the last step of each chunk (so the last
// one is the final state).
using SelectiveScanForwardKernel = void(const SelectiveScanOperands& in, const Tensor& out,
                                        const Tensor& states);
KILN_DECLARE_KERNEL(selective_scan_forward_kernel, SelectiveScanForwardKernel);

// What the backward kernel writes, every element (no zero fill needed):
//   du, ddelta (before delta_bias and softplus), dz (when z is defined): [Bt, D, L];
//   dA: [Bt, D, N] and dD: [Bt, D], each batch's share, summed over Bt by the front end;
//   dB, dC: [Bt, D, N] per batch for a fixed B or C, or, when input-dependent,
//   [Bt, G, blocks_per_group, N, L]: each block's share, summed over blocks by the front end.
struct SelectiveScanGradBuffers {
  Tensor du, ddelta, dA, dB, dC, dD, dz;
};

// d_out [Bt, D, L]; d_last_state [Bt, D, N] or undefined; states from the forward kernel.
using SelectiveScanBackwardKernel = void(const SelectiveScanOperands& in, const Tensor& states,
                                         const Tensor& d_out, const Tensor& d_last_state,
                                         const SelectiveScanGradBuffers& grads);
KILN_DECLARE_KERNEL(selective_scan_backward_kernel, SelectiveScanBackwardKernel);

namespace raw {

struct SelectiveScanResult {
  Tensor out;     // [Bt, D, L]
  Tensor states;  // [Bt, D, chunks, N]; select(2, -1) is the last state
};
// Throws kiln::Error naming the operand that does not fit the others.
void check_selective_scan(const SelectiveScanOperands& operands);

// Checks the operands (B and C of [Bt, N, L] count as one group) and runs the forward
// kernel. The operands are in the user's layout; the result keeps u's dtype and device.
SelectiveScanResult selective_scan(const SelectiveScanOperands& operands);

// The gradients of every operand (undefined for an undefined operand), in their shapes.
struct SelectiveScanGrads {
  Tensor du, ddelta, dA, dB, dC, dD, dz, ddelta_bias;
};
SelectiveScanGrads selective_scan_backward(const SelectiveScanOperands& operands,
                                           const Tensor& states, const Tensor& d_out,
                                           const Tensor& d_last_state);

}  // namespace raw

// Differentiable (autograd/ops_selective_scan.cpp), argument for argument as mamba_ssm's
// selective_scan_fn: u, delta, z [Bt, D, L]; A [D, N]; B, C [D, N], [Bt, N, L] or
// [Bt, G, N, L]; D_skip, delta_bias [D]. Returns out [Bt, D, L].
Tensor selective_scan(const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& B,
                      const Tensor& C, const Tensor& D_skip = {}, const Tensor& z = {},
                      const Tensor& delta_bias = {}, bool delta_softplus = false);

struct SelectiveScanOutput {
  Tensor out;         // [Bt, D, L]
  Tensor last_state;  // [Bt, D, N], x at the last step (return_last_state=True)
};
SelectiveScanOutput selective_scan_with_last_state(const Tensor& u, const Tensor& delta,
                                                   const Tensor& A, const Tensor& B,
                                                   const Tensor& C, const Tensor& D_skip = {},
                                                   const Tensor& z = {},
                                                   const Tensor& delta_bias = {},
                                                   bool delta_softplus = false);

// The same, as selective_scan_ref's loop over steps in ordinary differentiable ops (it
// stores the [Bt, D, L, N] decay factors): the yardstick of the kernels' tests, and the
// backward pass when the backward is itself recorded.
SelectiveScanOutput selective_scan_reference(const Tensor& u, const Tensor& delta, const Tensor& A,
                                             const Tensor& B, const Tensor& C,
                                             const Tensor& D_skip = {}, const Tensor& z = {},
                                             const Tensor& delta_bias = {},
                                             bool delta_softplus = false);

}  // namespace kiln
