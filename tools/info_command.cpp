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

int run_info() {
  std::printf("kiln %s\n", KILN_VERSION);
  std::printf("build:   %s, %s, C++20%s\n", KILN_BUILD_TYPE, KILN_COMPILER,
              KILN_NATIVE_BUILD ? ", -march=native" : "");
  std::printf("BLAS:    %s (kiln keeps it at one thread and splits GEMMs itself)\n",
              openblas_get_config());
  std::printf("threads: %d (oneTBB; set KILN_NUM_THREADS or --threads to cap)\n", num_threads());
  if (!KILN_CUDA_BUILT) {
    std::printf("CUDA:    not built (configure with -DKILN_CUDA=ON and a CUDA toolkit)\n");
  } else {
    const int devices = cuda::device_count();
    std::printf("CUDA:    built; %d device%s%s\n", devices, devices == 1 ? "" : "s",
                devices == 0 ? " (no GPU or driver found)" : "");
    for (int d = 0; d < devices; ++d) {
      std::printf("         cuda:%d %s\n", d, cuda::device_description(d).c_str());
    }
  }
  return 0;
}

}  // namespace kiln::tools
