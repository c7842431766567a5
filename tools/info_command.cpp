// kiln info: version, build, BLAS, threads and CUDA devices.
#include <cblas.h>

#include <cstdio>

#include "tensor/cuda/cuda.h"
#include "tensor/parallel.h"
#include "tools/commands.h"

namespace kiln::tools {

CLI::App* add_info_command(CLI::App& app) {
  return app.add_subcommand("info",
                            "Print kiln's version, build options, BLAS, threads and "
                            "CUDA devices");
}

nlohmann::json machine_json() {
  nlohmann::json devices = nlohmann::json::array();
  const int device_count = KILN_CUDA_BUILT ? cuda::device_count() : 0;
  for (int d = 0; d < device_count; ++d) devices.push_back(cuda::device_description(d));
  return {{"version", KILN_VERSION},
          {"build_type", KILN_BUILD_TYPE},
          {"compiler", KILN_COMPILER},
          {"native", static_cast<bool>(KILN_NATIVE_BUILD)},
          {"blas", openblas_get_config()},
          {"threads", num_threads()},
          {"cuda_built", static_cast<bool>(KILN_CUDA_BUILT)},
          {"cuda_devices", devices}};
}

int run_info() {
  const nlohmann::json machine = machine_json();
  std::printf("kiln %s\n", KILN_VERSION);
  std::printf("build:   %s, %s, C++20%s\n", KILN_BUILD_TYPE, KILN_COMPILER,
              KILN_NATIVE_BUILD ? ", -march=native" : "");
  std::printf("BLAS:    %s (kiln keeps it at one thread and splits GEMMs itself)\n",
              openblas_get_config());
  std::printf("threads: %d (oneTBB; set KILN_NUM_THREADS or --threads to cap)\n", num_threads());
  if (!KILN_CUDA_BUILT) {
    std::printf("CUDA:    not built (configure with -DKILN_CUDA=ON and a CUDA toolkit)\n");
    return 0;
  }
  const size_t devices = machine["cuda_devices"].size();
  std::printf("CUDA:    built; %zu device%s%s\n", devices, devices == 1 ? "" : "s",
              devices == 0 ? " (no GPU or driver found)" : "");
  for (size_t d = 0; d < devices; ++d)
    std::printf("         cuda:%zu %s\n", d, machine["cuda_devices"][d].get<std::string>().c_str());
  return 0;
}

}  // namespace kiln::tools
