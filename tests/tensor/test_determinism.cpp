#include <gtest/gtest.h>

#include <cstring>

#include "tensor/parallel.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

// Runs a workload that exercises every parallel kernel family at sizes above the inline
// threshold and returns the bytes of its results.
std::vector<std::vector<char>> workload() {
  Generator generator(2024);
  const Tensor x = randn({512, 1024}, {}, &generator);
  const Tensor y = randn({512, 1024}, {}, &generator);
  const Tensor w = randn({1024, 256}, {}, &generator);
  const Tensor wide = randn({1024, 1024}, {}, &generator);
  const std::vector<Tensor> results = {x + y,
                                       gelu(x),
                                       softmax(x, -1),
                                       x.sum(),
                                       x.sum({0}),
                                       x.sum({1}),
                                       x.var({0}),
                                       x.logsumexp({1}),
                                       matmul(x, w),
                                       matmul(x.view({8, 64, 1024}), w.narrow(1, 0, 64)),
                                       matmul(x.narrow(0, 0, 128), wide),
                                       matmul(x.t().contiguous().t().narrow(0, 0, 384), wide),
                                       x.cumsum(1),
                                       sort(x.narrow(0, 0, 64), 1).first,
                                       max(x, 1).second,
                                       rand({100000}, {}, &generator)};
  std::vector<std::vector<char>> bytes;
  for (const Tensor& r : results) {
    const Tensor c = r.contiguous();
    const char* data = static_cast<const char*>(c.data_ptr());
    bytes.emplace_back(data, data + c.numel() * itemsize(c.dtype()));
  }
  return bytes;
}

TEST(Determinism, BitIdenticalAcrossRunsAndThreadCounts) {
  const int threads = num_threads();
  set_num_threads(1);
  const auto single = workload();
  set_num_threads(2);
  const auto dual = workload();
  const auto again = workload();
  set_num_threads(threads);
  ASSERT_EQ(single.size(), dual.size());
  for (size_t i = 0; i < single.size(); ++i) {
    EXPECT_EQ(single[i], dual[i]) << "result " << i << " differs between 1 and 2 threads";
    EXPECT_EQ(dual[i], again[i]) << "result " << i << " differs between two runs";
  }
}

}  // namespace
}  // namespace kiln
