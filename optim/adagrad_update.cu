// Adagrad's per-element update: d = g (+ wd p), sum += d^2,
// p -= lr / (1 + (t - 1) lr_decay) d / (sqrt(sum) + eps), rounded to T op by op as PyTorch.
#include "optim/adagrad_update.h"

#include <cmath>

#include "tensor/fused_update_kernels.h"

namespace kiln::optim {

// In a named namespace: nvcc instantiates a kernel for it.
template <typename T>
struct AdagradUpdate {
  T* p;
  const T* g;
  T* sum;
  int64_t numel;
  T neg_clr, decay, eps;
  bool maximize, weight_decay;

  static AdagradUpdate make(const AdagradSlot& slot, const AdagradOptions& o) {
    KILN_CHECK(slot.step >= 1, "adagrad_update: step must count from 1, got ", slot.step);
    const double clr = o.lr / (1 + static_cast<double>(slot.step - 1) * o.lr_decay);
    return {data_or_null<T>(slot.param),
            data_or_null<T>(slot.grad),
            data_or_null<T>(slot.sum),
            slot.param.numel(),
            T(-clr),
            T(o.weight_decay),
            T(o.eps),
            o.maximize,
            o.weight_decay != 0};
  }

  KILN_HOST_DEVICE void update(int64_t i) const {
    T d = maximize ? -g[i] : g[i];
    if (weight_decay) d = d + decay * p[i];
    sum[i] = sum[i] + d * d;
    const T std = std::sqrt(sum[i]) + eps;
    p[i] = p[i] + neg_clr * d / std;
  }
};

void adagrad_update(std::span<const AdagradSlot> slots, const AdagradOptions& options) {
  fused_update<AdagradUpdate>("adagrad_update", slots, options);
}

}  // namespace kiln::optim
