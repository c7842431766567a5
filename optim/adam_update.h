#pragma once

// Adam's fused update (optim/adam_update.cu) and its options, with PyTorch's defaults.
#include <cstdint>
#include <span>
#include <vector>

#include "tensor/fused_update.h"

namespace kiln::optim {

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

  std::vector<UpdateState> state(const AdamOptions& o) const {
    std::vector<UpdateState> written = {{"exp_avg", exp_avg}, {"exp_avg_sq", exp_avg_sq}};
    if (o.amsgrad) written.push_back({"max_exp_avg_sq", max_exp_avg_sq});
    return written;
  }
};

// Updates every slot of one parameter group in place, in one pass per parameter on its
// device, with each element's arithmetic in the order of torch.optim.Adam's single-tensor
// code.
void adam_update(std::span<const AdamSlot> slots, const AdamOptions& options);

}  // namespace kiln::optim
