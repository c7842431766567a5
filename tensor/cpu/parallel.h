#pragma once

#include <cstdint>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include "tensor/parallel.h"

namespace kiln::cpu {

// Below this many elements of work an op runs inline on the calling thread: a task costs
// more than the loop.
inline constexpr int64_t kParallelGrain = 32768;

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
  tbb::parallel_for(
      tbb::blocked_range<int64_t>(0, count, grain),
      [&](const tbb::blocked_range<int64_t>& range) { body(range.begin(), range.end()); },
      tbb::static_partitioner());
}

}  // namespace kiln::cpu
