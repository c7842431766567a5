// TSP instances: Kool et al.'s test and validation sets bit for bit as NumPy draws them
// (tests/fixtures/models/tsp_numpy.safetensors, bench/pytorch/tsp_fixtures.py), training
// instances from kiln's generator, tour lengths in tensor ops, and the tour check.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "golden.h"
#include "models/tasks/tsp_instances.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::error_of;
using testing::Golden;

// Every element equal, bit for bit.
void expect_identical(const Tensor& actual, const Tensor& expected, const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  EXPECT_EQ(actual.to_vector<double>(), expected.to_vector<double>()) << what;
}

// The elements added one after another in storage order, as np.cumsum adds them.
double sequential_sum(const Tensor& values) {
  double sum = 0;
  for (double value : values.to_vector<double>()) sum += value;
  return sum;
}

TEST(TspInstances, FirstInstancesAreNumpys) {
  const Golden numpy("tsp_numpy", "models");
  expect_identical(tsp_numpy_instances(2, 20, kTspTestSeed), numpy["test.20.first"], "test");
  expect_identical(tsp_numpy_instances(2, 20, kTspValidationSeed), numpy["validation.20.first"],
                   "validation");
  // np.random.seed(1234); np.random.uniform() is a figure NumPy users know.
  EXPECT_EQ(tsp_numpy_instances(1, 1, 1234).to_vector<double>()[0], 0.1915194503788923);
}

TEST(TspInstances, WholeSetsAreNumpys) {
  const Golden numpy("tsp_numpy", "models");
  for (int64_t nodes : {20, 50, 100}) {
    const Tensor test = tsp_test_set(nodes), validation = tsp_validation_set(nodes);
    ASSERT_EQ(test.shape(), (Shape{kTspSetSize, nodes, 2}));
    EXPECT_EQ(test.dtype(), kFloat64);
    const std::string n = std::to_string(nodes);
    EXPECT_EQ(sequential_sum(test), numpy["test." + n + ".sum"].item<double>()) << n;
    EXPECT_EQ(sequential_sum(validation), numpy["validation." + n + ".sum"].item<double>()) << n;
    if (nodes == 100)
      expect_identical(test.narrow(0, kTspSetSize - 1, 1), numpy["test.100.last"], "last");
  }
}

TEST(TspInstances, TrainingInstancesComeFromTheSeed) {
  Generator first(7), again(7), other(8);
  const Tensor instances = tsp_random_instances(64, 20, first);
  EXPECT_EQ(instances.shape(), (Shape{64, 20, 2}));
  EXPECT_EQ(instances.dtype(), kFloat32);
  EXPECT_GE(instances.amin().item<double>(), 0.0);
  EXPECT_LT(instances.amax().item<double>(), 1.0);
  EXPECT_EQ(instances.to_vector<float>(), tsp_random_instances(64, 20, again).to_vector<float>());
  EXPECT_NE(instances.to_vector<float>(), tsp_random_instances(64, 20, other).to_vector<float>());
  EXPECT_EQ(tsp_random_instances(2, 5, other, kFloat64).dtype(), kFloat64);
  EXPECT_NE(error_of([&] { tsp_random_instances(2, 5, other, kInt64); }).find("float32 or float64"),
            std::string::npos);
}

TEST(TspInstances, TourLengthsCloseTheTour) {
  // The unit square's corners: around it 4; the crossing order 0, 2, 1, 3 is 2 + 2 sqrt(2).
  const Tensor square =
      from_vector<double>({0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1}, {2, 4, 2});
  const Tensor tours = from_vector<int64_t>({0, 1, 2, 3, 0, 2, 1, 3}, {2, 4});
  testing::expect_values(tour_lengths(square, tours), {4, 2 + 2 * std::sqrt(2.0)}, 1e-15, 0);
}

TEST(TspInstances, TourLengthsAgreeWithADirectSum) {
  Generator generator(3);
  const Tensor coords = tsp_random_instances(5, 9, generator, kFloat64);
  const Tensor tours = sort(rand({5, 9}, {}, &generator), 1).second;  // random permutations
  const std::vector<double> xy = coords.to_vector<double>();
  const std::vector<int64_t> order = tours.to_vector<int64_t>();
  std::vector<double> expected;
  for (int64_t b = 0; b < 5; ++b) {
    double length = 0;
    for (int64_t i = 0; i < 9; ++i) {
      const int64_t from = b * 9 + order[b * 9 + i], to = b * 9 + order[b * 9 + (i + 1) % 9];
      length += std::hypot(xy[2 * to] - xy[2 * from], xy[2 * to + 1] - xy[2 * from + 1]);
    }
    expected.push_back(length);
  }
  testing::expect_values(tour_lengths(coords, tours), expected, 1e-14, 0);
  testing::expect_values(tour_lengths(coords.to(kFloat32), tours), expected, 1e-6, 0);
}

TEST(TspInstances, TourLengthsRefuseMismatchedShapes) {
  const Tensor coords = zeros({2, 4, 2});
  EXPECT_NE(error_of([&] {
              tour_lengths(coords, zeros({2, 4}, {.dtype = kInt64}).narrow(1, 0, 3));
            }).find("tour_lengths: tours must be int64 [B, n] for coords [2, 4, 2]"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              tour_lengths(zeros({2, 4, 3}), zeros({2, 4}, {.dtype = kInt64}));
            }).find("tour_lengths: coords must be floating [B, n, 2]"),
            std::string::npos);
}

TEST(TspInstances, CheckToursNamesTheBadRow) {
  const auto check = [](std::vector<int64_t> tours) {
    return error_of([&] { check_tours(from_vector(tours, {2, 4}), 4); });
  };
  EXPECT_EQ(check({0, 1, 2, 3, 3, 1, 0, 2}), "(no error)");
  EXPECT_EQ(check({0, 1, 2, 3, 0, 1, 4, 2}), "check_tours: tour 1 visits node 4, outside 0 .. 3");
  EXPECT_EQ(check({0, 1, 2, 3, -1, 1, 0, 2}), "check_tours: tour 1 visits node -1, outside 0 .. 3");
  EXPECT_EQ(check({2, 1, 2, 3, 0, 1, 3, 2}), "check_tours: tour 0 visits node 2 twice");
  EXPECT_EQ(error_of([] {
              check_tours(zeros({2, 4}, {.dtype = kInt64}), 5);
            }),
            "check_tours: tours must be int64 [B, 5], got int64 [2, 4]");
}

}  // namespace
}  // namespace kiln::models
