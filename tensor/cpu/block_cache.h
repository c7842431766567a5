#pragma once

#include <cstddef>
#include <map>
#include <mutex>

namespace kiln::cpu {

// Keeps freed large blocks for reuse. A fresh multi-megabyte allocation costs a page fault
// per 4 KiB on first touch (glibc returns such blocks to the system on free), which costs
// more than the op that fills it; training loops allocate the same sizes every step.
class BlockCache {
 public:
  // Blocks below this size go straight to malloc/free. glibc serves blocks from 128 KiB up
  // with mmap and unmaps them on free, so a training step's weight-sized gradients would
  // fault in fresh pages every step (a tenth of W2's time before this bound was lowered).
  static constexpr size_t kMinBlock = size_t{64} << 10;
  // Cached (free) bytes above this are returned to the system.
  static constexpr size_t kCapacity = size_t{1} << 30;

  // A cached block of at least `nbytes` (and at most 1/8 more), or nullptr.
  void* take(size_t nbytes);
  // Keeps `data` (of `nbytes`) for reuse; false when the cache is full.
  bool keep(void* data, size_t nbytes);
  // Frees every cached block.
  void release();
  size_t cached_bytes() const;

 private:
  mutable std::mutex mutex_;
  std::multimap<size_t, void*> blocks_;
  size_t cached_bytes_ = 0;
};

}  // namespace kiln::cpu
