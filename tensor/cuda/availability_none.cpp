// kiln built without CUDA: no devices, so callers can ask without a build-time switch.
#include "tensor/cuda/cuda.h"
#include "tensor/error.h"

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
int current_device() {
  return 0;
}
void set_device(int index) {
  throw Error(
      detail::concat("cuda::set_device: no device cuda:", index, " (kiln was built without CUDA)"));
}

}  // namespace kiln::cuda
