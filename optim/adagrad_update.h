#pragma once

// Adagrad's fused update (optim/adagrad_update.cu) and its options, with PyTorch's defaults.
#include <cstdint>
#include <span>
#include <vector>

#include "tensor/fused_update.h"

namespace kiln::optim {

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

  std::vector<UpdateState> state(const AdagradOptions&) const { return {{"sum", sum}}; }
};

// Updates every slot of one parameter group in place, in one pass per parameter on its
// device, with each element's arithmetic in the order of torch.optim.Adagrad's
// single-tensor code.
void adagrad_update(std::span<const AdagradSlot> slots, const AdagradOptions& options);

}  // namespace kiln::optim
