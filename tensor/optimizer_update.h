#pragma once

// Fused optimizer updates: one pass over each parameter that reads its gradient and state
// and writes both in place. Each follows the order of operations of PyTorch's single-tensor
// path (torch/optim/*.py), every intermediate rounded to the parameter's dtype, so that
// trajectories agree with PyTorch's to rounding. The options carry PyTorch's defaults.
#include <cstdint>
#include <span>

#include "tensor/tensor.h"

namespace kiln {

struct SGDOptions {
  double lr = 1e-3;
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
  bool maximize = false;
};
// One parameter's SGD update. momentum_buffer is undefined without momentum; on the first
// step it is overwritten with the gradient (PyTorch's buffer = grad.clone()).
struct SGDSlot {
  Tensor param = {}, grad = {}, momentum_buffer = {};
  bool first_step = false;
};

// Adam (Kingma & Ba 2015, with PyTorch's epsilon outside the square root); AdamW
// (Loshchilov & Hutter 2019) when decoupled_weight_decay.
struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
  bool amsgrad = false;
  bool maximize = false;
  bool decoupled_weight_decay = false;
};
// step counts this update (1 on the first). max_exp_avg_sq is undefined without amsgrad.
struct AdamSlot {
  Tensor param = {}, grad = {}, exp_avg = {}, exp_avg_sq = {}, max_exp_avg_sq = {};
  int64_t step = 0;
};

// Adagrad (Duchi et al. 2011).
struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
  bool maximize = false;
};
struct AdagradSlot {
  Tensor param = {}, grad = {}, sum = {};
  int64_t step = 0;
};

// RMSprop (Hinton, Coursera lecture 6e, 2012); centered as in Graves 2013.
struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
  bool maximize = false;
};
// grad_avg is undefined unless centered, momentum_buffer unless momentum > 0.
struct RMSpropSlot {
  Tensor param = {}, grad = {}, square_avg = {}, grad_avg = {}, momentum_buffer = {};
};

namespace raw {
// Each updates every slot of one parameter group in place (bumping the versions of what it
// writes). Parameters and state must be contiguous and share a floating dtype and device;
// gradients are converted to the parameter's dtype.
void sgd_update(std::span<const SGDSlot> slots, const SGDOptions& options);
void adam_update(std::span<const AdamSlot> slots, const AdamOptions& options);
void adagrad_update(std::span<const AdagradSlot> slots, const AdagradOptions& options);
void rmsprop_update(std::span<const RMSpropSlot> slots, const RMSpropOptions& options);
}  // namespace raw

}  // namespace kiln
