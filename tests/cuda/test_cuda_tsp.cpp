// TSP tour lengths on cuda:0 as on the CPU: the model's float32 coordinates and its tours
// stay on the device.
#include <gtest/gtest.h>

#include "autograd/functions.h"
#include "models/tasks/tsp_instances.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

TEST(CudaTsp, TourLengthsMatchTheCpu) {
  Generator generator(4);
  const Tensor coords = tsp_random_instances(16, 20, generator);
  const Tensor tours = sort(rand({16, 20}, {}, &generator), 1).second;
  const Tensor on_gpu = tour_lengths(coords.to(cuda_device(0)), tours.to(cuda_device(0)));
  EXPECT_EQ(on_gpu.device(), cuda_device(0));
  testing::expect_same(on_gpu.to(kCPU), tour_lengths(coords, tours), 1e-6, 0);
}

}  // namespace
}  // namespace kiln::models
