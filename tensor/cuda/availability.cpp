#include "tensor/cuda/cuda.h"
#include "tensor/cuda/runtime.h"

namespace kiln::cuda {

int device_count() {
  return runtime::device_count();
}

bool is_available() {
  return device_count() > 0;
}

}  // namespace kiln::cuda
