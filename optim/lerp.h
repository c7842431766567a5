#pragma once

#include "tensor/host_device.h"

namespace kiln::optim {

// torch.lerp's arithmetic, which the update formulas follow: start + w (end - start) for
// |w| < 0.5, else end - (end - start)(1 - w).
template <typename T>
KILN_HOST_DEVICE T lerp_value(T start, T end, T weight) {
  const T magnitude = weight < T(0) ? -weight : weight;
  return magnitude < T(0.5) ? start + weight * (end - start)
                            : end - (end - start) * (T(1) - weight);
}

}  // namespace kiln::optim
