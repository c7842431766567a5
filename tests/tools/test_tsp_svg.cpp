// The TSP tour drawing: one panel per instance and tour set, each tour a closed polygon
// through every point, titled with its length; mismatched shapes are refused.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "models/tasks/tsp_instances.h"
#include "tensor/creation.h"
#include "tensor/testing.h"
#include "tools/tsp_svg.h"

namespace kiln::tools {
namespace {

size_t count_of(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST(TspSvg, DrawsEveryTourOfEverySet) {
  const Tensor instances = models::tsp_numpy_instances(3, 5, 9);
  const Tensor tours = arange(5).repeat({3}).view({3, 5});
  const Tensor reversed = tours.flip({1}).contiguous();
  const std::string svg =
      tours_svg(instances, {{"model (greedy)", tours, models::tour_lengths(instances, tours)},
                            {"baseline", reversed, models::tour_lengths(instances, reversed)}});
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_EQ(count_of(svg, "<polygon"), 6u);
  EXPECT_EQ(count_of(svg, "<circle"), 30u);
  // Both orientations of a tour have the same length, printed in each title.
  char length[32];
  std::snprintf(length, sizeof length, "%.4f",
                models::tour_lengths(instances, tours).select(0, 0).item<double>());
  EXPECT_EQ(count_of(svg, std::string(": ") + length + "</text>"), 2u) << svg.substr(0, 600);
  EXPECT_EQ(count_of(svg, ">model (greedy): "), 3u);
}

TEST(TspSvg, RefusesToursOfAnotherShape) {
  const Tensor instances = models::tsp_numpy_instances(2, 5, 9);
  const Tensor tours = arange(4).repeat({2}).view({2, 4});
  const std::string error = testing::error_of([&] {
    tours_svg(instances, {{"short", tours, zeros({2})}});
  });
  EXPECT_NE(error.find("the tours of 'short' are [2, 4], not [2, 5]"), std::string::npos) << error;
}

}  // namespace
}  // namespace kiln::tools
