// Front ends of the fused optimizer updates: validate each slot, bring gradients to the
// parameter's dtype and layout, dispatch one call per group, bump the written versions.
#include <vector>

#include "tensor/op_support.h"
#include "tensor/ops.h"
#include "tensor/optimizer_update.h"

namespace kiln::raw {

namespace {

void check_param(const char* op, const Tensor& param, const Tensor& grad) {
  KILN_CHECK(param.defined() && grad.defined(), op, ": a parameter and its gradient are needed");
  detail::check_floating(op, param);
  KILN_CHECK(param.is_contiguous(), op, ": the parameter of shape ", param.shape(),
             " must be contiguous to be updated in place");
  KILN_CHECK(grad.shape() == param.shape(), op, ": gradient of shape ", grad.shape(),
             " for a parameter of shape ", param.shape());
  detail::check_same_device(op, param, grad);
}

// State kept beside a parameter: its shape, dtype, device and a contiguous layout.
void check_state(const char* op, const Tensor& param, const Tensor& state, const char* role) {
  KILN_CHECK(state.defined(), op, ": the ", role, " state is missing");
  KILN_CHECK(
      state.shape() == param.shape() && state.dtype() == param.dtype() && state.is_contiguous(), op,
      ": ", role, " state of shape ", state.shape(), " and dtype ", state.dtype(),
      " does not match the contiguous parameter of shape ", param.shape(), " and dtype ",
      param.dtype());
  detail::check_same_device(op, param, state);
}

Tensor prepared_grad(const Tensor& param, const Tensor& grad) {
  return contiguous(to(grad, param.dtype()));
}

void bump(std::initializer_list<const Tensor*> written) {
  for (const Tensor* tensor : written) {
    if (tensor->defined()) tensor->storage()->bump_version();
  }
}

// Validates and prepares every slot, then runs `update` on the group's device.
template <typename Slot, typename Check, typename Update>
void update_group(std::span<const Slot> slots, const Check& check, const Update& update) {
  if (slots.empty()) return;
  std::vector<Slot> prepared(slots.begin(), slots.end());
  for (Slot& slot : prepared) {
    check(slot);
    detail::check_same_device("optimizer update", prepared.front().param, slot.param);
    // One kernel call runs the whole group in one element type.
    KILN_CHECK(slot.param.dtype() == prepared.front().param.dtype(),
               "optimizer update: a parameter group mixes ", prepared.front().param.dtype(),
               " and ", slot.param.dtype(), " parameters; put each dtype in its own group");
    slot.grad = prepared_grad(slot.param, slot.grad);
  }
  update(detail::backend_of(prepared.front().param), std::span<const Slot>(prepared));
}

}  // namespace

void sgd_update(std::span<const SGDSlot> slots, const SGDOptions& options) {
  update_group(
      slots,
      [&](const SGDSlot& slot) {
        check_param("sgd_update", slot.param, slot.grad);
        if (options.momentum != 0)
          check_state("sgd_update", slot.param, slot.momentum_buffer, "momentum_buffer");
      },
      [&](Backend& device, std::span<const SGDSlot> prepared) {
        device.sgd_update(prepared, options);
        for (const SGDSlot& slot : prepared) bump({&slot.param, &slot.momentum_buffer});
      });
}

void adam_update(std::span<const AdamSlot> slots, const AdamOptions& options) {
  update_group(
      slots,
      [&](const AdamSlot& slot) {
        check_param("adam_update", slot.param, slot.grad);
        KILN_CHECK(slot.step >= 1, "adam_update: step must count from 1, got ", slot.step);
        check_state("adam_update", slot.param, slot.exp_avg, "exp_avg");
        check_state("adam_update", slot.param, slot.exp_avg_sq, "exp_avg_sq");
        if (options.amsgrad)
          check_state("adam_update", slot.param, slot.max_exp_avg_sq, "max_exp_avg_sq");
      },
      [&](Backend& device, std::span<const AdamSlot> prepared) {
        device.adam_update(prepared, options);
        for (const AdamSlot& slot : prepared)
          bump({&slot.param, &slot.exp_avg, &slot.exp_avg_sq, &slot.max_exp_avg_sq});
      });
}

void adagrad_update(std::span<const AdagradSlot> slots, const AdagradOptions& options) {
  update_group(
      slots,
      [&](const AdagradSlot& slot) {
        check_param("adagrad_update", slot.param, slot.grad);
        KILN_CHECK(slot.step >= 1, "adagrad_update: step must count from 1, got ", slot.step);
        check_state("adagrad_update", slot.param, slot.sum, "sum");
      },
      [&](Backend& device, std::span<const AdagradSlot> prepared) {
        device.adagrad_update(prepared, options);
        for (const AdagradSlot& slot : prepared) bump({&slot.param, &slot.sum});
      });
}

void rmsprop_update(std::span<const RMSpropSlot> slots, const RMSpropOptions& options) {
  update_group(
      slots,
      [&](const RMSpropSlot& slot) {
        check_param("rmsprop_update", slot.param, slot.grad);
        check_state("rmsprop_update", slot.param, slot.square_avg, "square_avg");
        if (options.centered) check_state("rmsprop_update", slot.param, slot.grad_avg, "grad_avg");
        if (options.momentum > 0)
          check_state("rmsprop_update", slot.param, slot.momentum_buffer, "momentum_buffer");
      },
      [&](Backend& device, std::span<const RMSpropSlot> prepared) {
        device.rmsprop_update(prepared, options);
        for (const RMSpropSlot& slot : prepared)
          bump({&slot.param, &slot.square_avg, &slot.grad_avg, &slot.momentum_buffer});
      });
}

}  // namespace kiln::raw
