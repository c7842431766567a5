// SGD's per-element update: d = g (+ wd p); buf = momentum buf + (1 - dampening) d;
// d = d + momentum buf (nesterov) or buf; p -= lr d. Every hyperparameter is rounded to T as
// PyTorch rounds a Python number passed to a tensor op, and every op's result to T.
#include "optim/sgd_update.h"

#include "tensor/fused_update_kernels.h"

namespace kiln::optim {

// In a named namespace: nvcc instantiates a kernel for it.
template <typename T>
struct SGDUpdate {
  T* p;
  const T* g;
  T* buffer;
  int64_t numel;
  T decay, momentum, keep, step;
  bool maximize, weight_decay, use_momentum, nesterov, first_step;

  static SGDUpdate make(const SGDSlot& slot, const SGDOptions& o) {
    return {data_or_null<T>(slot.param),
            data_or_null<T>(slot.grad),
            data_or_null<T>(slot.momentum_buffer),
            slot.param.numel(),
            T(o.weight_decay),
            T(o.momentum),
            T(1 - o.dampening),
            T(-o.lr),
            o.maximize,
            o.weight_decay != 0,
            o.momentum != 0,
            o.nesterov,
            slot.first_step};
  }

  KILN_HOST_DEVICE void update(int64_t i) const {
    T d = maximize ? -g[i] : g[i];
    if (weight_decay) d = d + decay * p[i];
    if (use_momentum) {
      buffer[i] = first_step ? d : buffer[i] * momentum + keep * d;
      d = nesterov ? d + momentum * buffer[i] : buffer[i];
    }
    p[i] = p[i] + step * d;
  }
};

void sgd_update(std::span<const SGDSlot> slots, const SGDOptions& options) {
  fused_update<SGDUpdate>("sgd_update", slots, options);
}

}  // namespace kiln::optim
