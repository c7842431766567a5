#pragma once

// Device memory for tensors, cached: a freed block goes back to its device's pool and
// serves the next request of its rounded size on the same stream, since cudaMalloc and
// cudaFree synchronise the device and cost far more than a kernel launch. As in PyTorch, a
// block is tied to the stream it was allocated on: a tensor used on another stream must be
// kept alive (or that stream synchronised) until that work is done.
#include <cstddef>

#include "tensor/cuda/runtime.h"

namespace kiln::cuda {

struct MemoryStats {
  size_t allocated = 0;       // bytes in blocks held by tensors (rounded sizes)
  size_t reserved = 0;        // bytes obtained from the runtime: allocated plus cached
  size_t peak_allocated = 0;  // the most `allocated` has been since the last reset
  size_t allocations = 0;     // blocks handed out
  size_t cache_hits = 0;      // of which came from the cache
};

MemoryStats memory_stats(int device = 0);
void reset_peak_memory_stats(int device = 0);
// Returns every cached block of every device to the runtime.
void empty_cache();

namespace caching_allocator {
// A block of at least `nbytes` on `device` for use on the current stream.
void* allocate(size_t nbytes, int device);
void release(void* data) noexcept;
// Moves `stream`'s blocks, live and cached, to the default stream; for a stream about to be
// destroyed, whose work has finished.
void forget_stream(runtime::Stream stream) noexcept;
}  // namespace caching_allocator

}  // namespace kiln::cuda
