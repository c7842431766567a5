// The forecasters' shared layers on cases worked by hand: the moving-average decomposition
// (models/forecast/series_decomp.h) and RevIN (models/forecast/revin.h).
#include <gtest/gtest.h>

#include "models/forecast/revin.h"
#include "models/forecast/series_decomp.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

TEST(SeriesDecomp, TrendIsTheMovingAverageWithTheEdgesRepeated) {
  // One series 0, 3, 6, 9, 12 with a kernel of 3: the padded series is 0, 0, 3, 6, 9, 12, 12,
  // so the trend is 1, 3, 6, 9, 11 and the seasonal part -1, 0, 0, 0, 1.
  const Tensor x = testing::f64({0, 3, 6, 9, 12}, {1, 5, 1});
  const SeriesComponents parts = series_decomp(x, 3);
  testing::expect_values(parts.trend, {1, 3, 6, 9, 11});
  testing::expect_values(parts.seasonal, {-1, 0, 0, 0, 1});
  EXPECT_EQ(parts.trend.shape(), x.shape());
  EXPECT_NE(testing::error_of([&] { series_decomp(x, 4); }).find("odd"), std::string::npos);
}

TEST(RevIN, StandardisesEachWindowAndChannelAndMapsBack) {
  RevIN revin(2);
  // Window 0: channel 0 is 1, 3 (mean 2, population stdev 1), channel 1 is 10, 10 (stdev
  // sqrt(eps)).
  const Tensor x = testing::f64({1, 10, 3, 10}, {1, 2, 2}).to(kFloat32);
  const auto [normed, statistics] = revin.normalize(x);
  testing::expect_values(normed, {-1, 0, 1, 0}, 1e-4, 1e-4);
  testing::expect_values(statistics.center, {2, 10});
  testing::expect_same(revin.denormalize(normed, statistics), x, 1e-6, 1e-6);
  // The statistics are constants: no gradient flows through them to x.
  EXPECT_FALSE(statistics.center.requires_grad());
  EXPECT_FALSE(statistics.stdev.requires_grad());
}

TEST(RevIN, NonNormPassesTheSeriesThrough) {
  RevIN identity(2, {.non_norm = true});
  const Tensor x = testing::f64({1, 10, 3, 10}, {1, 2, 2}).to(kFloat32);
  const auto [normed, statistics] = identity.normalize(x);
  testing::expect_same(normed, x);
  testing::expect_same(identity.denormalize(x, statistics), x);
  EXPECT_EQ(identity.state_dict().size(), 2u);  // the affine parameters are still there
}

}  // namespace
}  // namespace kiln::models
