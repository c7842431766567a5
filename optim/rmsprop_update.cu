// RMSprop's per-element update: v = alpha v + (1 - alpha) d^2 (d = g + wd p); centered
// subtracts the square of the gradients' running mean; buf = momentum buf + d / (sqrt(v) +
// eps) and p -= lr buf with momentum, else p -= lr d / (sqrt(v) + eps). Rounded to T op by
// op as PyTorch.
#include "optim/rmsprop_update.h"

#include <cmath>

#include "optim/lerp.h"
#include "tensor/fused_update_kernels.h"

namespace kiln::optim {

// In a named namespace: nvcc instantiates a kernel for it.
template <typename T>
struct RMSpropUpdate {
  T* p;
  const T* g;
  T *square_avg, *grad_avg, *buffer;
  int64_t numel;
  T decay, alpha, one_minus_alpha, eps, momentum, neg_lr;
  bool maximize, weight_decay, centered, use_momentum;

  static RMSpropUpdate make(const RMSpropSlot& slot, const RMSpropOptions& o) {
    return {data_or_null<T>(slot.param),
            data_or_null<T>(slot.grad),
            data_or_null<T>(slot.square_avg),
            data_or_null<T>(slot.grad_avg),
            data_or_null<T>(slot.momentum_buffer),
            slot.param.numel(),
            T(o.weight_decay),
            T(o.alpha),
            T(1 - o.alpha),
            T(o.eps),
            T(o.momentum),
            T(-o.lr),
            o.maximize,
            o.weight_decay != 0,
            o.centered,
            o.momentum > 0};
  }

  KILN_HOST_DEVICE void update(int64_t i) const {
    T d = maximize ? -g[i] : g[i];
    if (weight_decay) d = d + decay * p[i];
    square_avg[i] = square_avg[i] * alpha;
    square_avg[i] = square_avg[i] + one_minus_alpha * d * d;
    T avg;
    if (centered) {
      grad_avg[i] = lerp_value(grad_avg[i], d, one_minus_alpha);
      avg = std::sqrt(square_avg[i] + T(-1) * grad_avg[i] * grad_avg[i]);
    } else {
      avg = std::sqrt(square_avg[i]);
    }
    avg = avg + eps;
    if (use_momentum) {
      buffer[i] = buffer[i] * momentum;
      buffer[i] = buffer[i] + d / avg;
      p[i] = p[i] + neg_lr * buffer[i];
    } else {
      p[i] = p[i] + neg_lr * d / avg;
    }
  }
};

void rmsprop_update(std::span<const RMSpropSlot> slots, const RMSpropOptions& options) {
  fused_update<RMSpropUpdate>("rmsprop_update", slots, options);
}

}  // namespace kiln::optim
