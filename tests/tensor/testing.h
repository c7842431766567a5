#pragma once

// Helpers shared by the tensor tests.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "autograd/functions.h"
#include "tensor/creation.h"

namespace kiln::testing {

inline constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Expects `actual`'s values (row-major) to match `expected` within atol + rtol * |expected|;
// NaNs must match NaNs.
inline void expect_values(const Tensor& actual, const std::vector<double>& expected,
                          double rtol = 1e-6, double atol = 1e-6) {
  const std::vector<double> values = actual.to_vector<double>();
  ASSERT_EQ(values.size(), expected.size()) << "shape " << actual.shape();
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(values[i])) << "element " << i;
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(values[i], expected[i]) << "element " << i;
    } else {
      EXPECT_NEAR(values[i], expected[i], atol + rtol * std::abs(expected[i])) << "element " << i;
    }
  }
}

// The message of the kiln::Error that `action` throws, or "(no error)".
inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

inline void expect_same(const Tensor& actual, const Tensor& expected, double rtol = 1e-6,
                        double atol = 1e-6) {
  EXPECT_EQ(actual.shape(), expected.shape());
  expect_values(actual, expected.to_vector<double>(), rtol, atol);
}

// A float64 tensor with the given shape and values.
inline Tensor f64(const std::vector<double>& values, const Shape& shape = {}) {
  return from_vector(values, shape);
}

}  // namespace kiln::testing
