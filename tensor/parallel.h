#pragma once

namespace kiln {

// The number of threads kiln's CPU kernels may use (oneTBB workers and OpenBLAS threads
// together). Defaults to KILN_NUM_THREADS if set, else the number of cores.
int num_threads();
// Caps parallelism at `count` threads (>= 1) for both oneTBB and OpenBLAS.
void set_num_threads(int count);

}  // namespace kiln
