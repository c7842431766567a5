#pragma once

#include <cstdint>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include "tensor/parallel.h"

#if defined(__SANITIZE_THREAD__)
#include <algorithm>
#include <exception>
#include <thread>
#include <vector>
#endif

namespace kiln::cpu {

// Below this many elements of work an op runs inline on the calling thread: a task costs
// more than the loop.
inline constexpr int64_t kParallelGrain = 32768;

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer cannot see the ordering oneTBB's uninstrumented library gives a task's
// start and end (it reports every captured variable as a race), so a -fsanitize=thread
// build runs the ranges on std::threads, whose start and join it does see: one contiguous
// range per thread, as the static partitioner splits them. The first range's exception is
// rethrown, as oneTBB rethrows one.
template <typename Body>
void parallel_for_on_std_threads(int64_t count, int64_t grain, const Body& body) {
  const int64_t ranges = std::min<int64_t>(num_threads(), (count + grain - 1) / grain);
  std::vector<std::exception_ptr> errors(ranges);
  const auto run = [&](int64_t r) {
    try {
      body(count * r / ranges, count * (r + 1) / ranges);
    } catch (...) {
      errors[r] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  for (int64_t r = 1; r < ranges; ++r) workers.emplace_back(run, r);
  run(0);
  for (std::thread& worker : workers) worker.join();
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
}
#endif

// Calls body(begin, end) over [0, count) split into ranges of at least `grain` items, on
// oneTBB when there is more than one range's work and more than one thread. Ranges are
// contiguous and each item is visited once; callers whose result depends on the split
// (reductions) use fixed blocks instead (see reduce.cpp).
template <typename Body>
void parallel_for(int64_t count, int64_t grain, const Body& body) {
  if (count <= 0) return;
  if (count <= grain || num_threads() == 1) {
    body(int64_t{0}, count);
    return;
  }
#if defined(__SANITIZE_THREAD__)
  parallel_for_on_std_threads(count, grain, body);
#else
  tbb::parallel_for(
      tbb::blocked_range<int64_t>(0, count, grain),
      [&](const tbb::blocked_range<int64_t>& range) { body(range.begin(), range.end()); },
      tbb::static_partitioner());
#endif
}

}  // namespace kiln::cpu
