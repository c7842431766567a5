#pragma once

// The library's functions for the CPU kernels' formulas, but for the vectorisable float32
// versions of the hot ones (tensor/cpu/vec_math.h).
#include "tensor/cpu/vec_math.h"
#include "tensor/elementwise_formulas.h"

namespace kiln::cpu {

struct CpuMath : DeviceMath {
  using DeviceMath::erf;
  using DeviceMath::exp;
  using DeviceMath::gelu_erf;
  using DeviceMath::gelu_erf_grad;
  using DeviceMath::tanh;
  static float exp(float x) { return exp_f32(x); }
  static float erf(float x) { return erf_f32(x); }
  static float tanh(float x) { return tanh_f32(x); }
  static float gelu_erf(float x) { return gelu_erf_f32(x); }
  static float gelu_erf_grad(float x) { return gelu_erf_grad_f32(x); }
};

}  // namespace kiln::cpu
