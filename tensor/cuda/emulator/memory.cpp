// Guarded device allocations and the report of an out-of-bounds access.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <mutex>
#include <new>

#include "tensor/cuda/emulator/fault_report.h"

namespace kiln::cuda::emulator {

namespace {

constexpr size_t kAlignment = 16;

struct Mapping {
  char* base;        // the first guard page
  size_t length;     // guards included
  size_t requested;  // bytes asked for
  int device;
};

size_t page_size() {
  static const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

std::mutex registry_mutex;
// By data address.
std::map<const char*, Mapping>& registry() {
  static auto* mappings = new std::map<const char*, Mapping>();  // outlives static destructors
  return *mappings;
}

// Where `address` lies relative to the nearest allocation, for the report.
void describe_address(const char* address, char* buffer, size_t size) {
  std::unique_lock lock(registry_mutex, std::try_to_lock);
  if (!lock.owns_lock()) {
    std::snprintf(buffer, size, "address %p", static_cast<const void*>(address));
    return;
  }
  for (const auto& [data, mapping] : registry()) {
    if (address < mapping.base || address >= mapping.base + mapping.length) continue;
    if (address >= data) {
      std::snprintf(buffer, size, "address %p, %zu bytes past the end of a %zu-byte allocation",
                    static_cast<const void*>(address),
                    static_cast<size_t>(address - data) - mapping.requested, mapping.requested);
    } else {
      std::snprintf(buffer, size, "address %p, %zu bytes before a %zu-byte allocation",
                    static_cast<const void*>(address), static_cast<size_t>(data - address),
                    mapping.requested);
    }
    return;
  }
  std::snprintf(buffer, size, "address %p, outside every allocation",
                static_cast<const void*>(address));
}

struct sigaction previous_segv, previous_bus;

void on_fault(int number, siginfo_t* info, void*) {
  char where[256], what[256], message[640];
  if (!describe_running_thread(where, sizeof where)) {
    // Not a kernel's fault: let the previous handler (or the default action) have it.
    sigaction(number, number == SIGSEGV ? &previous_segv : &previous_bus, nullptr);
    return;
  }
  describe_address(static_cast<const char*>(info->si_addr), what, sizeof what);
  const int length = std::snprintf(
      message, sizeof message,
      "kiln CUDA emulator: out-of-bounds global memory access at %s, in %s\n", what, where);
  if (length > 0) {
    [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, message, length);
  }
  signal(SIGABRT, SIG_DFL);
  abort();
}

}  // namespace

void* allocate_guarded(size_t nbytes, int device) {
  const size_t page = page_size();
  const size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  const size_t data_pages = (rounded + page - 1) / page;
  const size_t length = (data_pages + 2) * page;
  void* mapped = mmap(nullptr, length, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  char* base = static_cast<char*>(mapped);
  mprotect(base, page, PROT_NONE);
  mprotect(base + length - page, page, PROT_NONE);
  char* data = base + length - page - rounded;
  const std::lock_guard lock(registry_mutex);
  registry().emplace(data, Mapping{base, length, nbytes, device});
  return data;
}

void free_guarded(void* data) noexcept {
  Mapping mapping;
  {
    const std::lock_guard lock(registry_mutex);
    const auto found = registry().find(static_cast<const char*>(data));
    if (found == registry().end()) return;
    mapping = found->second;
    registry().erase(found);
  }
  munmap(mapping.base, mapping.length);
}

int device_of_pointer(const void* pointer) {
  const char* address = static_cast<const char*>(pointer);
  const std::lock_guard lock(registry_mutex);
  auto after = registry().upper_bound(address);
  if (after == registry().begin()) return -1;
  const auto& [data, mapping] = *std::prev(after);
  return address < data + std::max<size_t>(mapping.requested, 1) ? mapping.device : -1;
}

void install_fault_report() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &previous_segv);
    sigaction(SIGBUS, &action, &previous_bus);
    return true;
  }();
  (void)installed;
}

}  // namespace kiln::cuda::emulator
