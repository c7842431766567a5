#include "tensor/cpu/block_cache.h"

#include <cstdlib>

namespace kiln::cpu {

void* BlockCache::take(size_t nbytes) {
  std::lock_guard lock(mutex_);
  const auto found = blocks_.lower_bound(nbytes);
  if (found == blocks_.end() || found->first > nbytes + nbytes / 8) return nullptr;
  void* data = found->second;
  cached_bytes_ -= found->first;
  blocks_.erase(found);
  return data;
}

bool BlockCache::keep(void* data, size_t nbytes) {
  std::lock_guard lock(mutex_);
  if (cached_bytes_ + nbytes > kCapacity) return false;
  blocks_.emplace(nbytes, data);
  cached_bytes_ += nbytes;
  return true;
}

void BlockCache::release() {
  std::lock_guard lock(mutex_);
  for (const auto& [size, data] : blocks_) std::free(data);
  blocks_.clear();
  cached_bytes_ = 0;
}

size_t BlockCache::cached_bytes() const {
  std::lock_guard lock(mutex_);
  return cached_bytes_;
}

}  // namespace kiln::cpu
