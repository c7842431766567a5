// CPU memory: 64-byte aligned blocks; blocks of 2 MiB and more on huge pages and kept in
// the block cache for reuse.
#include <sys/mman.h>
#include <sys/sysinfo.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "tensor/cpu/block_cache.h"
#include "tensor/cpu/cpu_backend.h"
#include "tensor/memory.h"

namespace kiln::cpu {

namespace {

// Cache-line alignment lets vector loads of every tensor start on a line boundary.
constexpr size_t kAlignment = 64;
constexpr size_t kHugePage = size_t{2} << 20;

size_t round_up(size_t nbytes, size_t multiple) {
  return (std::max<size_t>(nbytes, 1) + multiple - 1) / multiple * multiple;
}

// The bytes actually allocated for a request: what the cache accounts and matches.
size_t block_size(size_t nbytes) {
  const size_t aligned = round_up(nbytes, kAlignment);
  return aligned >= kHugePage ? round_up(aligned, kHugePage) : aligned;
}

std::atomic<size_t> allocated_bytes{0};
std::atomic<int> poison_scopes{0};

void* poisoned(void* data, size_t size) {
  if (poison_scopes.load(std::memory_order_relaxed) > 0) std::memset(data, 0xFF, size);
  return data;
}

// Never destroyed: tensors with static lifetime may release blocks during exit.
BlockCache& block_cache() {
  static BlockCache* cache = new BlockCache;
  return *cache;
}

// RAM and swap together: no request beyond them can be met. Checked before allocating
// because Linux may promise more than it has (overcommit) and kill the process on first touch.
size_t machine_memory_bytes() {
  static const size_t bytes = [] {
    struct sysinfo info {};
    if (sysinfo(&info) != 0) return std::numeric_limits<size_t>::max();
    return (static_cast<size_t>(info.totalram) + info.totalswap) * info.mem_unit;
  }();
  return bytes;
}

}  // namespace

void* CpuBackend::allocate(size_t nbytes, int) {
  KILN_CHECK(nbytes <= machine_memory_bytes(), "cannot allocate ", nbytes,
             " bytes on cpu: more than this machine's ", machine_memory_bytes(),
             " bytes of RAM and swap");
  const size_t size = block_size(nbytes);
  allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (size >= BlockCache::kMinBlock) {
    if (void* cached = block_cache().take(size)) return poisoned(cached, size);
  }
  const bool huge = size >= kHugePage;
  void* data = std::aligned_alloc(huge ? kHugePage : kAlignment, size);
  if (data == nullptr) allocated_bytes.fetch_sub(size, std::memory_order_relaxed);
  KILN_CHECK(data != nullptr, "cannot allocate ", nbytes, " bytes on cpu: out of memory");
  // Transparent huge pages for large blocks: a streaming op over tens of megabytes
  // otherwise spends a good part of its time on TLB misses (measured: a 4M-element add
  // ran 1.4x faster). Only a hint; the kernel may decline it.
  if (huge) madvise(data, size, MADV_HUGEPAGE);
  return poisoned(data, size);
}

void CpuBackend::deallocate(void* data, size_t nbytes) noexcept {
  const size_t size = block_size(nbytes);
  allocated_bytes.fetch_sub(size, std::memory_order_relaxed);
  if (size >= BlockCache::kMinBlock && block_cache().keep(data, size)) return;
  std::free(data);
}

}  // namespace kiln::cpu

namespace kiln {
PoisonNewAllocations::PoisonNewAllocations() {
  cpu::poison_scopes.fetch_add(1);
}
PoisonNewAllocations::~PoisonNewAllocations() {
  cpu::poison_scopes.fetch_sub(1);
}
size_t cpu_allocated_bytes() {
  return cpu::allocated_bytes.load(std::memory_order_relaxed);
}
size_t cpu_cached_bytes() {
  return cpu::block_cache().cached_bytes();
}
void release_cached_memory() {
  cpu::block_cache().release();
}
}  // namespace kiln
