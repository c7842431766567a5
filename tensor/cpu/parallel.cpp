#include "tensor/cpu/parallel.h"

#include <cblas.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include <tbb/global_control.h>

#include "tensor/error.h"

namespace kiln {

namespace {

struct ThreadSettings {
  std::mutex mutex;
  std::unique_ptr<tbb::global_control> control;
  std::atomic<int> count = 0;
};

int default_thread_count() {
  if (const char* text = std::getenv("KILN_NUM_THREADS")) {
    const int count = std::atoi(text);
    if (count > 0) return count;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// OpenBLAS runs single-threaded: oneTBB alone owns the cores, and matmul tiles products
// across its threads (see cpu/matmul.cpp for why and what it measured).
void apply(ThreadSettings& settings, int count) {
  settings.control = std::make_unique<tbb::global_control>(
      tbb::global_control::max_allowed_parallelism, static_cast<size_t>(count));
  openblas_set_num_threads(1);
  settings.count = count;
}

ThreadSettings& settings() {
  static ThreadSettings instance;
  static std::once_flag initialised;
  std::call_once(initialised, [] { apply(instance, default_thread_count()); });
  return instance;
}

}  // namespace

int num_threads() {
  return settings().count;
}

void set_num_threads(int count) {
  KILN_CHECK(count >= 1, "set_num_threads: thread count must be at least 1, got ", count);
  ThreadSettings& current = settings();
  std::lock_guard lock(current.mutex);
  apply(current, count);
}

}  // namespace kiln
