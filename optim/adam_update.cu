// Adam's per-element update: m = lerp(m, g, 1 - beta1), v = beta2 v + (1 - beta2) g^2,
// p -= lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t) + eps); AMSGrad keeps the largest
// v; AdamW first shrinks p by 1 - lr wd. Every hyperparameter is rounded to T as PyTorch
// rounds a Python number passed to a tensor op, and every op's result to T.
#include "optim/adam_update.h"

#include <cmath>

#include "optim/lerp.h"
#include "tensor/fused_update_kernels.h"

namespace kiln::optim {

// In a named namespace: nvcc instantiates a kernel for it.
template <typename T>
struct AdamUpdate {
  T* p;
  const T* g;
  T *m, *v, *v_max;
  int64_t numel;
  T bias_correction2_sqrt, neg_step_size, decay, shrink, one_minus_beta1, beta2, one_minus_beta2,
      eps;
  bool maximize, weight_decay, decoupled, amsgrad;

  static AdamUpdate make(const AdamSlot& slot, const AdamOptions& o) {
    KILN_CHECK(slot.step >= 1, "adam_update: step must count from 1, got ", slot.step);
    const double step = static_cast<double>(slot.step);
    const double bias_correction1 = 1 - std::pow(o.beta1, step);
    return {data_or_null<T>(slot.param),
            data_or_null<T>(slot.grad),
            data_or_null<T>(slot.exp_avg),
            data_or_null<T>(slot.exp_avg_sq),
            data_or_null<T>(slot.max_exp_avg_sq),
            slot.param.numel(),
            T(std::pow(1 - std::pow(o.beta2, step), 0.5)),
            T(-(o.lr / bias_correction1)),
            T(o.weight_decay),
            T(1 - o.lr * o.weight_decay),
            T(1 - o.beta1),
            T(o.beta2),
            T(1 - o.beta2),
            T(o.eps),
            o.maximize,
            o.weight_decay != 0,
            o.decoupled_weight_decay,
            o.amsgrad};
  }

  KILN_HOST_DEVICE void update(int64_t i) const {
    T d = maximize ? -g[i] : g[i];
    if (weight_decay) {
      if (decoupled) {
        p[i] = p[i] * shrink;
      } else {
        d = d + decay * p[i];
      }
    }
    m[i] = lerp_value(m[i], d, one_minus_beta1);
    v[i] = v[i] * beta2;
    v[i] = v[i] + one_minus_beta2 * d * d;
    T second = v[i];
    if (amsgrad) second = v_max[i] = v_max[i] < v[i] ? v[i] : v_max[i];
    const T denom = std::sqrt(second) / bias_correction2_sqrt + eps;
    p[i] = p[i] + neg_step_size * m[i] / denom;
  }
};

void adam_update(std::span<const AdamSlot> slots, const AdamOptions& options) {
  fused_update<AdamUpdate>("adam_update", slots, options);
}

}  // namespace kiln::optim
