#pragma once

// The one header every kernel source (.cu) includes. Under nvcc it is CUDA itself; in the
// emulated build (KILN_CUDA_EMULATED) the host compiler gets the emulator's model of the
// same programming interface (emulator/device.h). Kernels use plain CUDA C++ plus:
// - KILN_SHARED(T, name, N) for a shared array and KILN_DYNAMIC_SHARED(T, name) for the
//   launch's dynamic shared memory (the emulator tracks these for races);
// - launch(name, kernel, shape, args...) instead of <<<...>>>.
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tensor/cuda/runtime.h"
#include "tensor/cuda/stream.h"

#if defined(KILN_CUDA_EMULATED)
#include "tensor/cuda/emulator/device.h"
#else
#include <cuda_runtime.h>
#define KILN_SHARED(T, name, N) __shared__ T name[N]
#define KILN_DYNAMIC_SHARED(T, name)                            \
  extern __shared__ __align__(16) unsigned char name##_bytes[]; \
  T* const name = reinterpret_cast<T*>(name##_bytes)
#endif

namespace kiln::cuda {

struct LaunchShape {
  dim3 grid;
  dim3 block;
  size_t shared_bytes = 0;
};

// Launches `kernel` on the current stream; throws kiln::Error naming `name` if it cannot
// start (and, on the emulator, if it faults).
template <typename... Params, typename... Args>
void launch(const char* name, void (*kernel)(Params...), const LaunchShape& shape, Args&&... args) {
#if defined(KILN_CUDA_EMULATED)
  std::tuple<Params...> params(std::forward<Args>(args)...);
  std::apply(
      [&](const auto&... param) {
        int position = 0;
        const auto check = [&](const auto& value) {
          if constexpr (std::is_pointer_v<std::decay_t<decltype(value)>>) {
            emulator::check_pointer_argument(name, position, value);
          }
          ++position;
        };
        (check(param), ...);
      },
      params);
  emulator::launch(name, shape.grid, shape.block, shape.shared_bytes,
                   [&] { std::apply(kernel, params); });
#else
  const auto stream = static_cast<cudaStream_t>(current_stream());
  // clang-format off
  kernel<<<shape.grid, shape.block, shape.shared_bytes, stream>>>(std::forward<Args>(args)...);
  // clang-format on
  runtime::check_last_launch(name);
#endif
}

}  // namespace kiln::cuda
