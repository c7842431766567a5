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

std::string device_description(int index) {
  const runtime::DeviceProperties p = runtime::properties(index);
  return detail::concat(p.name, " (sm_", p.compute_major, p.compute_minor, ", ",
                        p.total_memory >> 20, " MiB", p.emulated ? ", emulated on the host" : "",
                        ")");
}

}  // namespace kiln::cuda
