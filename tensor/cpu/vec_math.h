#pragma once

// Branch-free float32 versions of the transcendental functions the hot elementwise ops
// use, written so that GCC vectorises loops calling them (libm calls would stay scalar).
// float64 kernels use <cmath>: they serve gradient checks, where accuracy comes first.
#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "tensor/elementwise_formulas.h"

namespace kiln::cpu {

// c ? x : y as bit operations on x's and y's bits, for any arithmetic T: GCC vectorises this
// where it compiles `c ? x : y` over an array of bools into a branch per element (where on
// 4M floats with random conditions: 14 ms as a branch, 2.1 ms here, one thread).
template <typename T>
inline T select_bits(bool c, T x, T y) {
  using Bits = std::conditional_t<
      sizeof(T) == 1, uint8_t,
      std::conditional_t<sizeof(T) == 2, uint16_t,
                         std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;
  static_assert(sizeof(Bits) == sizeof(T));
  const Bits mask = Bits(0) - static_cast<Bits>(c);
  return std::bit_cast<T>(static_cast<Bits>((std::bit_cast<Bits>(x) & mask) |
                                            (std::bit_cast<Bits>(y) & static_cast<Bits>(~mask))));
}

// exp(x) = 2^n * p for a finite x: n = round(x / ln 2) and p = exp(r), r = x - n ln 2,
// |r| <= ln(2) / 2, from Cephes' expf polynomial (about 1 ulp).
struct ExpSplit {
  float n;
  float p;
};

inline ExpSplit exp_split(float x) {
  const float n = std::nearbyint(x * 1.44269504088896341f);
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return {n, p * r * r + r + 1.0f};
}

// exp(x), with 2^n applied as two factors so that results in the subnormal range and
// overflow to inf come out right.
inline float exp_f32(float x) {
  const float clamped = x < -104.0f ? -104.0f : (x > 89.0f ? 89.0f : x);
  const ExpSplit split = exp_split(clamped == clamped ? clamped : 0.0f);
  const int32_t exponent = static_cast<int32_t>(split.n);
  const int32_t half = exponent >> 1;
  const float scale_a = std::bit_cast<float>((half + 127) << 23);
  const float scale_b = std::bit_cast<float>((exponent - half + 127) << 23);
  const float result = split.p * scale_a * scale_b;
  return x == x ? result : x;
}

// exp(x) for x <= 0 (or NaN), flushing results below FLT_MIN (x < -87.33) to 0: 2^n then
// goes straight into the exponent bits, about half the work of exp_f32. For softmax
// (x - max) and erfc, where such tiny values are noise.
inline float exp_nonpositive_f32(float x) {
  constexpr float kLowest = -87.33654475f;  // log(FLT_MIN)
  const ExpSplit split = exp_split(x > kLowest ? x : kLowest);
  const float scaled =
      std::bit_cast<float>(std::bit_cast<int32_t>(split.p) + (static_cast<int32_t>(split.n) << 23));
  const float result = x < kLowest ? 0.0f : scaled;
  return x == x ? result : x;
}

// log(x) for a finite x > 0 (normal): x = m 2^e with m in [sqrt(1/2), sqrt(2)), then Cephes'
// logf polynomial in m - 1 (about 1 ulp).
inline float log_f32(float x) {
  const int32_t bits = std::bit_cast<int32_t>(x);
  int32_t exponent = ((bits >> 23) & 0xff) - 126;
  float m = std::bit_cast<float>((bits & 0x807fffff) | 0x3f000000);  // in [0.5, 1)
  const bool small = m < 0.707106781186547524f;
  exponent -= small ? 1 : 0;
  m = (small ? m + m : m) - 1.0f;
  const float z = m * m;
  float p = 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  const float e = static_cast<float>(exponent);
  float y = p * m * z - 2.12194440e-4f * e - 0.5f * z;
  return m + y + 0.693359375f * e;
}

// softplus(x) = log(1 + e^x), x itself above PyTorch's threshold of 20. With w = 1 + t
// rounded, log1p(t) = log(w) - ((w - 1) - t) / w to first order in w's rounding error, which
// keeps the relative accuracy where w rounds to 1 (large negative x) without a branch.
inline float softplus_f32(float x) {
  const float t = exp_f32(x > 20.0f ? 20.0f : x);  // NaN passes through
  const float w = 1.0f + t;
  const float log1p = log_f32(w) - ((w - 1.0f) - t) / w;
  // Selected arithmetically: GCC turns a select between x and log1p into a branch around
  // the log, and the loop then stays scalar.
  const float below = x > 20.0f ? 0.0f : 1.0f;
  return (x > 20.0f ? x : 0.0f) + below * log1p;
}

// tanh: Cephes' odd polynomial below |x| = 0.625, else 1 - 2 / (exp(2|x|) + 1).
inline float tanh_f32(float x) {
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float magnitude = 1.0f - 2.0f / (exp_f32(2.0f * std::fabs(x)) + 1.0f);
  const float large = std::copysign(magnitude, x);
  return std::fabs(x) < 0.625f ? small : large;
}

// erfc(z) for z >= 0 (Numerical Recipes, 2nd ed., section 6.2, erfcc: a Chebyshev fit of
// t * exp(-z^2 + P(t)), t = 1/(1 + z/2), relative error below 1.2e-7 in exact arithmetic;
// measured in float32 against float64, below 9e-7 for z < 3). P, of degree 9, is evaluated
// by Estrin's scheme, in four dependent steps instead of Horner's nine: GELU's loop is
// bound by that chain's latency (4M GELUs, one thread: 2.36 ms with Horner, 1.95 here).
inline float erfc_nonnegative_f32(float z) {
  const float t = 1.0f / (1.0f + 0.5f * z);
  const float t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
  const float p = ((-1.26551223f + 1.00002368f * t) + (0.37409196f + 0.09678418f * t) * t2) +
                  ((-0.18628806f + 0.27886807f * t) + (-1.13520398f + 1.48851587f * t) * t2) * t4 +
                  (-0.82215223f + 0.17087277f * t) * t8;
  return t * exp_nonpositive_f32(-z * z + p);
}

// erf(x): its Maclaurin series through x^13 for |x| < 0.5 (where 1 - erfc(|x|) would lose
// the relative accuracy of small values; truncation below 1e-9), 1 - erfc(|x|) beyond.
// Branch-free, so the elementwise loop vectorises.
inline float erf_f32(float x) {
  const float x2 = x * x;
  float series = 0.00012055332981789664f;
  series = series * x2 - 0.0008548327023450852f;
  series = series * x2 + 0.005223977625442188f;
  series = series * x2 - 0.026866170645131252f;
  series = series * x2 + 0.11283791670955126f;
  series = series * x2 - 0.37612638903183754f;
  series = series * x2 + 1.1283791670955126f;
  const float a = std::fabs(x);
  const float tail = std::copysign(1.0f - erfc_nonnegative_f32(a), x);
  return a < 0.5f ? series * x : tail;
}

// The standard normal CDF Phi(x) = erfc(-x / sqrt(2)) / 2; erfc keeps the relative accuracy
// for large negative x, where 1 + erf(x) would cancel.
inline float normal_cdf_f32(float x) {
  const float z = x * 0.70710678118654752f;
  const float tail = erfc_nonnegative_f32(std::fabs(z));
  return 0.5f * (z < 0.0f ? tail : 2.0f - tail);
}

// gelu(x) = x Phi(x).
inline float gelu_erf_f32(float x) {
  return x * normal_cdf_f32(x);
}

// gelu'(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
inline float gelu_erf_grad_f32(float x) {
  return normal_cdf_f32(x) + x * 0.39894228040143267f * exp_f32(-0.5f * x * x);
}
}  // namespace kiln::cpu
