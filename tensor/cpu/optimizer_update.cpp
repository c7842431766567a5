// The fused optimizer updates on the CPU. Each element's arithmetic follows PyTorch's
// single-tensor path op by op, every hyperparameter rounded to T as PyTorch rounds a Python
// number passed to a tensor op, and every op's result rounded to T.
#include <algorithm>
#include <cmath>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/optimizer_update.h"

namespace kiln::cpu {

namespace {

// Runs body(T*, begin, end) over each slot's elements, split across threads when large.
template <typename Slot, typename Body>
void for_each_element(std::span<const Slot> slots, const Body& body) {
  visit_floating(slots.front().param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (const Slot& slot : slots) {
      parallel_for(slot.param.numel(), kParallelGrain,
                   [&](int64_t begin, int64_t end) { body(T{}, slot, begin, end); });
    }
  });
}

template <typename T>
T* data_of(const Tensor& tensor) {
  return tensor.defined() ? static_cast<T*>(tensor.data_ptr()) : nullptr;
}

// torch.lerp: start + w (end - start) for |w| < 0.5, else end - (end - start)(1 - w).
template <typename T>
T lerp(T start, T end, T weight) {
  return std::abs(weight) < T(0.5) ? start + weight * (end - start)
                                   : end - (end - start) * (T(1) - weight);
}

}  // namespace

void CpuBackend::sgd_update(std::span<const SGDSlot> slots, const SGDOptions& o) {
  for_each_element(slots, [&](auto zero, const SGDSlot& slot, int64_t begin, int64_t end) {
    using T = decltype(zero);
    T* p = data_of<T>(slot.param);
    const T* g = data_of<T>(slot.grad);
    T* buffer = data_of<T>(slot.momentum_buffer);
    const T decay = T(o.weight_decay), momentum = T(o.momentum);
    const T keep = T(1 - o.dampening), step = T(-o.lr);
    for (int64_t i = begin; i < end; ++i) {
      T d = o.maximize ? -g[i] : g[i];
      if (o.weight_decay != 0) d = d + decay * p[i];
      if (o.momentum != 0) {
        buffer[i] = slot.first_step ? d : buffer[i] * momentum + keep * d;
        d = o.nesterov ? d + momentum * buffer[i] : buffer[i];
      }
      p[i] = p[i] + step * d;
    }
  });
}

void CpuBackend::adam_update(std::span<const AdamSlot> slots, const AdamOptions& o) {
  for_each_element(slots, [&](auto zero, const AdamSlot& slot, int64_t begin, int64_t end) {
    using T = decltype(zero);
    T* p = data_of<T>(slot.param);
    const T* g = data_of<T>(slot.grad);
    T* m = data_of<T>(slot.exp_avg);
    T* v = data_of<T>(slot.exp_avg_sq);
    T* v_max = data_of<T>(slot.max_exp_avg_sq);
    const double step = static_cast<double>(slot.step);
    const double bias_correction1 = 1 - std::pow(o.beta1, step);
    const T bias_correction2_sqrt = T(std::pow(1 - std::pow(o.beta2, step), 0.5));
    const T neg_step_size = T(-(o.lr / bias_correction1));
    const T decay = T(o.weight_decay), shrink = T(1 - o.lr * o.weight_decay);
    const T one_minus_beta1 = T(1 - o.beta1), beta2 = T(o.beta2), one_minus_beta2 = T(1 - o.beta2),
            eps = T(o.eps);
    for (int64_t i = begin; i < end; ++i) {
      T d = o.maximize ? -g[i] : g[i];
      if (o.weight_decay != 0) {
        if (o.decoupled_weight_decay) {
          p[i] = p[i] * shrink;
        } else {
          d = d + decay * p[i];
        }
      }
      m[i] = lerp(m[i], d, one_minus_beta1);
      v[i] = v[i] * beta2;
      v[i] = v[i] + one_minus_beta2 * d * d;
      T second = v[i];
      if (o.amsgrad) second = v_max[i] = std::max(v_max[i], v[i]);
      const T denom = std::sqrt(second) / bias_correction2_sqrt + eps;
      p[i] = p[i] + neg_step_size * m[i] / denom;
    }
  });
}

void CpuBackend::adagrad_update(std::span<const AdagradSlot> slots, const AdagradOptions& o) {
  for_each_element(slots, [&](auto zero, const AdagradSlot& slot, int64_t begin, int64_t end) {
    using T = decltype(zero);
    T* p = data_of<T>(slot.param);
    const T* g = data_of<T>(slot.grad);
    T* sum = data_of<T>(slot.sum);
    const double clr = o.lr / (1 + static_cast<double>(slot.step - 1) * o.lr_decay);
    const T neg_clr = T(-clr), decay = T(o.weight_decay), eps = T(o.eps);
    for (int64_t i = begin; i < end; ++i) {
      T d = o.maximize ? -g[i] : g[i];
      if (o.weight_decay != 0) d = d + decay * p[i];
      sum[i] = sum[i] + d * d;
      const T std = std::sqrt(sum[i]) + eps;
      p[i] = p[i] + neg_clr * d / std;
    }
  });
}

void CpuBackend::rmsprop_update(std::span<const RMSpropSlot> slots, const RMSpropOptions& o) {
  for_each_element(slots, [&](auto zero, const RMSpropSlot& slot, int64_t begin, int64_t end) {
    using T = decltype(zero);
    T* p = data_of<T>(slot.param);
    const T* g = data_of<T>(slot.grad);
    T* square_avg = data_of<T>(slot.square_avg);
    T* grad_avg = data_of<T>(slot.grad_avg);
    T* buffer = data_of<T>(slot.momentum_buffer);
    const T decay = T(o.weight_decay), alpha = T(o.alpha), one_minus_alpha = T(1 - o.alpha);
    const T eps = T(o.eps), momentum = T(o.momentum), neg_lr = T(-o.lr);
    for (int64_t i = begin; i < end; ++i) {
      T d = o.maximize ? -g[i] : g[i];
      if (o.weight_decay != 0) d = d + decay * p[i];
      square_avg[i] = square_avg[i] * alpha;
      square_avg[i] = square_avg[i] + one_minus_alpha * d * d;
      T avg;
      if (o.centered) {
        grad_avg[i] = lerp(grad_avg[i], d, one_minus_alpha);
        avg = std::sqrt(square_avg[i] + T(-1) * grad_avg[i] * grad_avg[i]);
      } else {
        avg = std::sqrt(square_avg[i]);
      }
      avg = avg + eps;
      if (o.momentum > 0) {
        buffer[i] = buffer[i] * momentum;
        buffer[i] = buffer[i] + d / avg;
        p[i] = p[i] + neg_lr * buffer[i];
      } else {
        p[i] = p[i] + neg_lr * d / avg;
      }
    }
  });
}

}  // namespace kiln::cpu
