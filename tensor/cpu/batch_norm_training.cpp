// batch_norm_training's kernels (tensor/ops_batch_norm_training.h). The per-channel sums run
// in double over blocks of outer rows whose size depends on the shape alone, each block's
// partial sums added in block order: deterministic at any thread count. Two passes for the
// mean and the variance about it, one to normalise; the backward pass sums g and
// g (x - mean) in one pass and writes dx, an affine map of g and x per channel, in another.
#include <cmath>
#include <vector>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/parallel.h"
#include "tensor/ops_batch_norm_training.h"

namespace kiln::cpu {

namespace {

// Outer rows per block: about kParallelGrain values.
int64_t rows_per_block(const BatchNormExtents& e) {
  return std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, e.channels * e.inner));
}

// sums[k][c] = the sum over channel c's values of term(k, x, y, c) for K terms of two
// tensors' values at one element (y may be null).
template <int K, typename T, typename Term>
std::array<std::vector<double>, K> channel_sums(const BatchNormExtents& e, const T* a, const T* b,
                                                const Term& term) {
  const int64_t block = rows_per_block(e);
  const int64_t blocks = (e.outer + block - 1) / block;
  const int64_t channels = e.channels, inner = e.inner;
  std::vector<double> partials(static_cast<size_t>(blocks * K * channels), 0.0);
  parallel_for(blocks, 1, [&](int64_t first, int64_t last) {
    for (int64_t index = first; index < last; ++index) {
      double* sums = partials.data() + index * K * channels;
      const int64_t end = std::min(e.outer, (index + 1) * block);
      for (int64_t o = index * block; o < end; ++o) {
        const int64_t base = o * channels * inner;
        if (inner == 1) {
          for (int k = 0; k < K; ++k) {
#pragma omp simd
            for (int64_t c = 0; c < channels; ++c) {
              sums[k * channels + c] += term(k, a[base + c], b ? b[base + c] : T(0), c);
            }
          }
          continue;
        }
        for (int64_t c = 0; c < channels; ++c) {
          const int64_t at = base + c * inner;
          for (int k = 0; k < K; ++k) {
            double total = 0;
#pragma omp simd reduction(+ : total)
            for (int64_t i = 0; i < inner; ++i)
              total += term(k, a[at + i], b ? b[at + i] : T(0), c);
            sums[k * channels + c] += total;
          }
        }
      }
    }
  });
  std::array<std::vector<double>, K> sums;
  for (int k = 0; k < K; ++k) {
    sums[k].assign(static_cast<size_t>(channels), 0.0);
    for (int64_t index = 0; index < blocks; ++index) {
      for (int64_t c = 0; c < channels; ++c) {
        sums[k][c] += partials[(index * K + k) * channels + c];
      }
    }
  }
  return sums;
}

// Per channel c: out = scale (a - center) + shift, plus slope b when b is given. Centring
// first keeps values near the mean exact (no large products cancelling).
template <typename T>
struct ChannelAffine {
  std::vector<T> scale, center, shift, slope;
  explicit ChannelAffine(int64_t channels)
      : scale(channels), center(channels), shift(channels), slope(channels) {}
};

template <typename T>
void apply_per_channel(const BatchNormExtents& e, T* out, const T* a, const T* b,
                       const ChannelAffine<T>& map) {
  const int64_t channels = e.channels, inner = e.inner;
  const T* scale = map.scale.data();
  const T* center = map.center.data();
  const T* shift = map.shift.data();
  const T* slope = map.slope.data();
  parallel_for(e.outer, rows_per_block(e), [&](int64_t first, int64_t last) {
    for (int64_t o = first; o < last; ++o) {
      if (inner == 1) {
        const int64_t at = o * channels;
#pragma omp simd
        for (int64_t c = 0; c < channels; ++c) {
          out[at + c] =
              scale[c] * (a[at + c] - center[c]) + shift[c] + (b ? slope[c] * b[at + c] : T(0));
        }
        continue;
      }
      for (int64_t c = 0; c < channels; ++c) {
        const int64_t at = (o * channels + c) * inner;
        const T s = scale[c], m = center[c], t = shift[c], u = slope[c];
#pragma omp simd
        for (int64_t i = 0; i < inner; ++i) {
          out[at + i] = s * (a[at + i] - m) + t + (b ? u * b[at + i] : T(0));
        }
      }
    }
  });
}

void batch_norm_training(const Tensor& out, const Tensor& mean, const Tensor& var,
                         const Tensor& rstd, const Tensor& x, const Tensor& weight,
                         const Tensor& bias, BatchNormExtents e, double eps) {
  visit_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* input = x.data<T>();
    const T* w = data_or_null<T>(weight);
    const T* b = data_or_null<T>(bias);
    const auto count = static_cast<double>(e.outer * e.inner);
    const auto sum = [](int, T v, T, int64_t) { return static_cast<double>(v); };
    const std::vector<double> totals = channel_sums<1, T>(e, input, nullptr, sum)[0];
    std::vector<T> means(totals.size());
    for (size_t c = 0; c < totals.size(); ++c) means[c] = static_cast<T>(totals[c] / count);
    const auto squares = [&means](int, T v, T, int64_t c) {
      const double d = static_cast<double>(v - means[c]);
      return d * d;
    };
    const std::vector<double> deviations = channel_sums<1, T>(e, input, nullptr, squares)[0];
    ChannelAffine<T> map(static_cast<int64_t>(means.size()));
    T* mean_out = mean.data<T>();
    T* var_out = var.data<T>();
    T* rstd_out = rstd.data<T>();
    for (size_t c = 0; c < means.size(); ++c) {
      const double variance = deviations[c] / count;
      const double r = 1 / std::sqrt(variance + eps);
      mean_out[c] = means[c];
      var_out[c] = static_cast<T>(variance);
      rstd_out[c] = static_cast<T>(r);
      map.scale[c] = static_cast<T>(r * (w ? static_cast<double>(w[c]) : 1.0));
      map.center[c] = means[c];
      map.shift[c] = b ? b[c] : T(0);
    }
    apply_per_channel<T>(e, out.data<T>(), input, nullptr, map);
  });
}

void batch_norm_training_backward(const Tensor& grad_x, const Tensor& grad_weight,
                                  const Tensor& grad_bias, const Tensor& grad, const Tensor& x,
                                  const Tensor& mean, const Tensor& rstd, const Tensor& weight,
                                  BatchNormExtents e) {
  visit_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* g = grad.data<T>();
    const T* input = x.data<T>();
    const T* means = mean.data<T>();
    const T* rstds = rstd.data<T>();
    const T* w = data_or_null<T>(weight);
    // sum(g) and sum(g (x - mean)) per channel.
    const auto terms = [means](int k, T dy, T v, int64_t c) {
      return k == 0 ? static_cast<double>(dy) : static_cast<double>(dy) * (v - means[c]);
    };
    const auto sums = channel_sums<2, T>(e, g, input, terms);
    const auto count = static_cast<double>(e.outer * e.inner);
    const int64_t channels = e.channels;
    ChannelAffine<T> map(channels);
    for (int64_t c = 0; c < channels; ++c) {
      const double r = rstds[c], sum_g = sums[0][c], sum_g_xhat = sums[1][c] * r;
      if (grad_bias.defined()) grad_bias.data<T>()[c] = static_cast<T>(sum_g);
      if (grad_weight.defined()) {
        grad_weight.data<T>()[c] = static_cast<T>(sum_g_xhat);
      }
      // dx = a (g - sum_g / M) - a r sum_g_xhat / M (x - mean), a = w r.
      const double a = (w ? static_cast<double>(w[c]) : 1.0) * r;
      map.scale[c] = static_cast<T>(-a * r * sum_g_xhat / count);
      map.center[c] = means[c];
      map.shift[c] = static_cast<T>(-a * sum_g / count);
      map.slope[c] = static_cast<T>(a);
    }
    if (grad_x.defined()) {
      apply_per_channel<T>(e, grad_x.data<T>(), input, g, map);
    }
  });
}

}  // namespace

KILN_REGISTER_KERNEL(batch_norm_training_kernel, DeviceType::CPU, batch_norm_training);
KILN_REGISTER_KERNEL(batch_norm_training_backward_kernel, DeviceType::CPU,
                     batch_norm_training_backward);

}  // namespace kiln::cpu
