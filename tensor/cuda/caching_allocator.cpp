#include "tensor/cuda/caching_allocator.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tensor/cuda/stream.h"
#include "tensor/error.h"

namespace kiln::cuda {

namespace {

struct Block {
  size_t size = 0;
  int device = 0;
  runtime::Stream stream = nullptr;
};

// One pool per device, all behind one mutex: allocation is rare next to the kernels.
struct Pools {
  std::mutex mutex;
  std::unordered_map<void*, Block> live;
  // Cached blocks by (device, stream, size).
  std::multimap<std::tuple<int, runtime::Stream, size_t>, void*> cached;
  std::vector<MemoryStats> stats;

  MemoryStats& of(int device) {
    if (static_cast<int>(stats.size()) <= device) stats.resize(device + 1);
    return stats[device];
  }
};

Pools& pools() {
  static auto* instance = new Pools();  // outlives tensors destroyed at exit
  return *instance;
}

// Frees every cached block; the caller holds the mutex.
void free_cached(Pools& p) {
  for (const auto& [key, data] : p.cached) {
    const int device = std::get<0>(key);
    const runtime::DeviceGuard guard(device);
    runtime::free(data);
    p.of(device).reserved -= std::get<2>(key);
  }
  p.cached.clear();
}

}  // namespace

namespace caching_allocator {

void* allocate(size_t nbytes, int device) {
  const size_t granularity = runtime::allocation_granularity();
  const size_t size = std::max<size_t>(1, (nbytes + granularity - 1) / granularity) * granularity;
  const runtime::Stream stream = current_stream();
  Pools& p = pools();
  const std::lock_guard lock(p.mutex);
  MemoryStats& stats = p.of(device);
  void* data = nullptr;
  const auto found = p.cached.find({device, stream, size});
  if (found != p.cached.end()) {
    data = found->second;
    p.cached.erase(found);
    ++stats.cache_hits;
  } else {
    const runtime::DeviceGuard guard(device);
    try {
      data = runtime::malloc(size);
    } catch (const Error&) {
      // Out of memory, perhaps only because of what the cache holds: return it and retry.
      free_cached(p);
      data = runtime::malloc(size);
    }
    stats.reserved += size;
  }
  p.live.emplace(data, Block{size, device, stream});
  stats.allocated += size;
  stats.peak_allocated = std::max(stats.peak_allocated, stats.allocated);
  ++stats.allocations;
  return data;
}

void release(void* data) noexcept {
  if (data == nullptr) return;
  Pools& p = pools();
  const std::lock_guard lock(p.mutex);
  const auto found = p.live.find(data);
  if (found == p.live.end()) return;
  const Block block = found->second;
  p.live.erase(found);
  p.of(block.device).allocated -= block.size;
  p.cached.emplace(std::tuple{block.device, block.stream, block.size}, data);
}

void forget_stream(runtime::Stream stream) noexcept {
  if (stream == nullptr) return;
  Pools& p = pools();
  const std::lock_guard lock(p.mutex);
  for (auto& [data, block] : p.live) {
    if (block.stream == stream) block.stream = nullptr;
  }
  for (auto it = p.cached.begin(); it != p.cached.end();) {
    const auto [device, owner, size] = it->first;
    if (owner != stream) {
      ++it;
      continue;
    }
    void* data = it->second;
    it = p.cached.erase(it);
    p.cached.emplace(std::tuple{device, runtime::Stream{nullptr}, size}, data);
  }
}

}  // namespace caching_allocator

MemoryStats memory_stats(int device) {
  Pools& p = pools();
  const std::lock_guard lock(p.mutex);
  return p.of(device);
}

void reset_peak_memory_stats(int device) {
  Pools& p = pools();
  const std::lock_guard lock(p.mutex);
  MemoryStats& stats = p.of(device);
  stats.peak_allocated = stats.allocated;
}

void empty_cache() {
  Pools& p = pools();
  const std::lock_guard lock(p.mutex);
  free_cached(p);
}

}  // namespace kiln::cuda
