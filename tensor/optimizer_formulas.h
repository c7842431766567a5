#pragma once

// The per-element arithmetic of the fused optimizer updates, shared by the CPU and CUDA
// kernels. Each follows PyTorch's single-tensor path op by op, every hyperparameter rounded
// to T as PyTorch rounds a Python number passed to a tensor op, and every op's result
// rounded to T. A slot's update is an object built on the host (make) that updates element
// i of its parameter (update), so both devices run one definition.
#include <cmath>
#include <cstdint>

#include "tensor/host_device.h"
#include "tensor/optimizer_update.h"

namespace kiln {

template <typename T>
T* data_or_null(const Tensor& tensor) {
  return tensor.defined() ? static_cast<T*>(tensor.data_ptr()) : nullptr;
}

// torch.lerp: start + w (end - start) for |w| < 0.5, else end - (end - start)(1 - w).
template <typename T>
KILN_HOST_DEVICE T lerp_value(T start, T end, T weight) {
  const T magnitude = weight < T(0) ? -weight : weight;
  return magnitude < T(0.5) ? start + weight * (end - start)
                            : end - (end - start) * (T(1) - weight);
}

template <typename T>
struct SGDElementUpdate {
  T* p;
  const T* g;
  T* buffer;
  int64_t numel;
  T decay, momentum, keep, step;
  bool maximize, weight_decay, use_momentum, nesterov, first_step;

  static SGDElementUpdate make(const SGDSlot& slot, const SGDOptions& o) {
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

template <typename T>
struct AdamElementUpdate {
  T* p;
  const T* g;
  T *m, *v, *v_max;
  int64_t numel;
  T bias_correction2_sqrt, neg_step_size, decay, shrink, one_minus_beta1, beta2, one_minus_beta2,
      eps;
  bool maximize, weight_decay, decoupled, amsgrad;

  static AdamElementUpdate make(const AdamSlot& slot, const AdamOptions& o) {
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

template <typename T>
struct AdagradElementUpdate {
  T* p;
  const T* g;
  T* sum;
  int64_t numel;
  T neg_clr, decay, eps;
  bool maximize, weight_decay;

  static AdagradElementUpdate make(const AdagradSlot& slot, const AdagradOptions& o) {
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

template <typename T>
struct RMSpropElementUpdate {
  T* p;
  const T* g;
  T *square_avg, *grad_avg, *buffer;
  int64_t numel;
  T decay, alpha, one_minus_alpha, eps, momentum, neg_lr;
  bool maximize, weight_decay, centered, use_momentum;

  static RMSpropElementUpdate make(const RMSpropSlot& slot, const RMSpropOptions& o) {
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

}  // namespace kiln
