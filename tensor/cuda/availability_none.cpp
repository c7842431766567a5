// kiln built without CUDA: no devices, so callers can ask without a build-time switch.
#include "tensor/cuda/cuda.h"

namespace kiln::cuda {

int device_count() {
  return 0;
}
bool is_available() {
  return false;
}
std::string device_description(int) {
  return "";
}

}  // namespace kiln::cuda
