#pragma once

// Marks a function callable from both host code and CUDA kernels; plain C++ elsewhere
// (the host compiler, the emulated CUDA build).
#if defined(__CUDACC__)
#define KILN_HOST_DEVICE __host__ __device__
#else
#define KILN_HOST_DEVICE
#endif
