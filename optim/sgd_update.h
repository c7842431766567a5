#pragma once

// SGD's fused update (optim/sgd_update.cu) and its options, with PyTorch's defaults.
#include <span>
#include <vector>

#include "tensor/fused_update.h"

namespace kiln::optim {

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

  std::vector<UpdateState> state(const SGDOptions& o) const {
    if (o.momentum == 0) return {};
    return {{"momentum_buffer", momentum_buffer}};
  }
};

// Updates every slot of one parameter group in place, in one pass per parameter on its
// device, with each element's arithmetic in the order of torch.optim.SGD's single-tensor code.
void sgd_update(std::span<const SGDSlot> slots, const SGDOptions& options);

}  // namespace kiln::optim
