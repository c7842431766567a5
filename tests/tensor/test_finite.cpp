#include <gtest/gtest.h>

#include <limits>

#include "tensor/creation.h"
#include "tensor/finite.h"

namespace kiln {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Tensor f32(std::vector<float> values) {
  const auto count = static_cast<int64_t>(values.size());
  return from_vector(std::move(values), {count});
}

TEST(Finite, TellsNaNFromEachInfinity) {
  const auto inf = static_cast<float>(kInf), nan = static_cast<float>(kNaN);
  EXPECT_EQ(find_non_finite(f32({1, 2})), NonFinite::None);
  EXPECT_EQ(find_non_finite(f32({1, inf})), NonFinite::PositiveInfinity);
  EXPECT_EQ(find_non_finite(f32({-inf, 0})), NonFinite::NegativeInfinity);
  EXPECT_EQ(find_non_finite(f32({-inf, inf})), NonFinite::PositiveInfinity);
  EXPECT_EQ(find_non_finite(f32({inf, nan})), NonFinite::NaN);
  EXPECT_STREQ(to_string(NonFinite::NegativeInfinity), "-Inf");
}

// A sum of finite values may overflow; the check must not take that for an infinity.
TEST(Finite, LargeFiniteValuesAreFinite) {
  EXPECT_TRUE(all_finite(full({4}, 3e38, {.dtype = kFloat32})));
  EXPECT_TRUE(all_finite(full({2, 3}, -1.7e308, {.dtype = kFloat64})));
}

TEST(Finite, IntegerBoolAndEmptyTensorsAreFinite) {
  EXPECT_TRUE(all_finite(arange(5)));
  EXPECT_TRUE(all_finite(ones({2}, {.dtype = kBool})));
  EXPECT_TRUE(all_finite(empty({0, 3})));
}

}  // namespace
}  // namespace kiln
