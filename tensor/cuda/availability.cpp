#include "tensor/cuda/cuda.h"
#include "tensor/cuda/runtime.h"
#include "tensor/error.h"

namespace kiln::cuda {

int device_count() {
  return runtime::device_count();
}

bool is_available() {
  return device_count() > 0;
}

int current_device() {
  return runtime::current_device();
}

void set_device(int index) {
  KILN_CHECK(index >= 0 && index < device_count(), "cuda::set_device: no device cuda:", index, " (",
             device_count(), " visible)");
  runtime::set_device(index);
}

std::string device_description(int index) {
  const runtime::DeviceProperties p = runtime::properties(index);
  return detail::concat(p.name, " (sm_", p.compute_major, p.compute_minor, ", ",
                        p.total_memory >> 20, " MiB", p.emulated ? ", emulated on the host" : "",
                        ")");
}

}  // namespace kiln::cuda
