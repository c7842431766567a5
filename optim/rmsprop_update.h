#pragma once

// RMSprop's fused update (optim/rmsprop_update.cu) and its options, with PyTorch's defaults.
#include <span>
#include <vector>

#include "tensor/fused_update.h"

namespace kiln::optim {

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

  std::vector<UpdateState> state(const RMSpropOptions& o) const {
    std::vector<UpdateState> written = {{"square_avg", square_avg}};
    if (o.centered) written.push_back({"grad_avg", grad_avg});
    if (o.momentum > 0) written.push_back({"momentum_buffer", momentum_buffer});
    return written;
  }
};

// Updates every slot of one parameter group in place, in one pass per parameter on its
// device, with each element's arithmetic in the order of torch.optim.RMSprop's
// single-tensor code.
void rmsprop_update(std::span<const RMSpropSlot> slots, const RMSpropOptions& options);

}  // namespace kiln::optim
