#pragma once

#include <cstddef>

namespace kiln {

// Bytes of freed CPU blocks that kiln keeps for reuse (large blocks only; see
// tensor/cpu/block_cache.h), and a way to return them to the system.
size_t cpu_cached_bytes();
// Bytes of CPU blocks that tensors hold now (block sizes, so alignment padding included).
size_t cpu_allocated_bytes();
void release_cached_memory();

// While alive, every new CPU allocation is filled with 0xFF bytes (NaN for floats), so that
// a kernel that leaves part of its output unwritten shows up as NaN (gradcheck uses this).
class PoisonNewAllocations {
 public:
  PoisonNewAllocations();
  ~PoisonNewAllocations();
  PoisonNewAllocations(const PoisonNewAllocations&) = delete;
  PoisonNewAllocations& operator=(const PoisonNewAllocations&) = delete;
};

}  // namespace kiln
