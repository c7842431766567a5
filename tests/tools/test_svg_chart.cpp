// The report's charts: nice ticks on linear and log axes, the log-scale suggestion, TensorBoard's
// smoothing, the palette, and line charts and parallel coordinates as well-formed, escaped,
// self-contained and deterministic SVG.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "tensor/error.h"
#include "tools/report/svg_chart.h"

namespace kiln::tools::report {
namespace {

size_t count_of(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

std::vector<std::string> all_matches(const std::string& text, const std::string& pattern) {
  std::vector<std::string> found;
  const std::regex expression(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), expression);
       it != std::sregex_iterator(); ++it)
    found.push_back((*it)[1]);
  return found;
}

// What is wrong with `markup` as XML, or "" when nothing: every tag closed in order, one root,
// attribute values quoted, no raw '<' or stray '&' in text or values.
std::string markup_error(const std::string& markup) {
  std::vector<std::string> open;
  size_t roots = 0;
  const auto name_at = [&](size_t& at) {
    const size_t start = at;
    while (at < markup.size() && (std::isalnum(markup[at]) || std::strchr("-_:", markup[at]))) ++at;
    return markup.substr(start, at - start);
  };
  for (size_t at = 0; at < markup.size();) {
    if (markup[at] == '&') {
      const size_t end = markup.find(';', at);
      const std::string entity = markup.substr(at, end == std::string::npos ? 8 : end - at + 1);
      if (!std::regex_match(entity, std::regex("&(amp|lt|gt|quot|#[0-9]+);")))
        return "a stray & at " + std::to_string(at);
      at = end + 1;
      continue;
    }
    if (markup[at] != '<') {
      if (open.empty() && !std::isspace(markup[at])) return "text outside the root";
      ++at;
      continue;
    }
    ++at;
    if (markup[at] == '/') {
      ++at;
      const std::string name = name_at(at);
      if (open.empty() || open.back() != name || markup[at] != '>')
        return "</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">");
      open.pop_back();
      ++at;
      continue;
    }
    const std::string name = name_at(at);
    if (name.empty()) return "a '<' that starts no tag at " + std::to_string(at);
    if (open.empty()) ++roots;
    while (true) {
      while (std::isspace(markup[at])) ++at;
      if (markup.compare(at, 2, "/>") == 0) {
        at += 2;
        break;
      }
      if (markup[at] == '>') {
        open.push_back(name);
        ++at;
        break;
      }
      const std::string attribute = name_at(at);
      if (attribute.empty() || markup[at] != '=' || markup[at + 1] != '"')
        return "<" + name + "> has an unquoted attribute '" + attribute + "'";
      const size_t end = markup.find('"', at + 2);
      if (markup.substr(at + 2, end - at - 2).find('<') != std::string::npos)
        return "a '<' in an attribute of <" + name + ">";
      at = end + 1;
    }
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  return roots == 1 ? "" : std::to_string(roots) + " root elements";
}

TEST(ChartTicks, LinearOnTheUnitRange) {
  const Ticks ticks = linear_ticks(0, 1);
  EXPECT_EQ(ticks.values, (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
  EXPECT_EQ(ticks.labels, (std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1"}));
  EXPECT_EQ(ticks.low, 0);
  EXPECT_EQ(ticks.high, 1);
}

TEST(ChartTicks, LinearWidensToTheOuterTicks) {
  const Ticks small = linear_ticks(0.0013, 0.0871);
  EXPECT_EQ(small.labels, (std::vector<std::string>{"0", "0.02", "0.04", "0.06", "0.08", "0.1"}));
  EXPECT_EQ(small.low, 0);
  EXPECT_EQ(small.high, 0.1);
  const Ticks signed_range = linear_ticks(-3, 7);
  EXPECT_EQ(signed_range.labels, (std::vector<std::string>{"-4", "-2", "0", "2", "4", "6", "8"}));
  EXPECT_EQ(signed_range.low, -4);
  EXPECT_EQ(signed_range.high, 8);
}

TEST(ChartTicks, LinearLabelsCarryNoFloatNoise) {
  const Ticks ticks = linear_ticks(0.1, 0.6);
  EXPECT_EQ(ticks.labels, (std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5", "0.6"}));
  EXPECT_EQ(ticks.values[2], 0.3);  // the double nearest 0.3, not 3 x 0.1
  EXPECT_EQ(linear_ticks(0, 150000).labels,
            (std::vector<std::string>{"0", "50000", "100000", "150000"}));
  EXPECT_EQ(linear_ticks(2.5, 4).labels, (std::vector<std::string>{"2.5", "3", "3.5", "4"}));
}

TEST(ChartTicks, LinearLabelsUseExponentsForTinyAndHugeMagnitudes) {
  EXPECT_EQ(linear_ticks(1e-5, 5e-5).labels,
            (std::vector<std::string>{"1e-05", "2e-05", "3e-05", "4e-05", "5e-05"}));
  EXPECT_EQ(linear_ticks(0, 2e6).labels,
            (std::vector<std::string>{"0", "5e+05", "1e+06", "1.5e+06", "2e+06"}));
}

TEST(ChartTicks, LinearWidensAnEmptyOrOneValueRange) {
  const Ticks zero = linear_ticks(0, 0);
  EXPECT_EQ(zero.low, -1);
  EXPECT_EQ(zero.high, 1);
  const Ticks five = linear_ticks(5, 5);
  EXPECT_LT(five.low, 5);
  EXPECT_GT(five.high, 5);
  EXPECT_GT(five.low, 0);  // a tenth either side, not down to zero
  EXPECT_NE(std::find(five.labels.begin(), five.labels.end(), "5"), five.labels.end());
  const Ticks none = linear_ticks(NAN, NAN);
  EXPECT_EQ(none.low, 0);
  EXPECT_EQ(none.high, 1);
  EXPECT_GE(none.values.size(), 3u);
}

TEST(ChartTicks, LinearIgnoresNonFiniteEndsAndOrder) {
  EXPECT_EQ(linear_ticks(NAN, 3).labels, linear_ticks(3, 3).labels);
  EXPECT_EQ(linear_ticks(0, INFINITY).labels, linear_ticks(0, 0).labels);
  EXPECT_EQ(linear_ticks(-INFINITY, 2).labels, linear_ticks(2, 2).labels);
  EXPECT_EQ(linear_ticks(1, 0).labels, linear_ticks(0, 1).labels);
}

TEST(ChartTicks, LinearGivesAboutTheTargetCount) {
  for (const int target : {3, 5, 8})
    for (const auto& [low, high] : std::vector<std::pair<double, double>>{
             {0, 1}, {-3, 7}, {0.0013, 0.0871}, {12, 9876}, {-1e-3, 4e-3}, {1, 1.001}}) {
      const Ticks ticks = linear_ticks(low, high, target);
      EXPECT_GE(ticks.values.size(), 3u) << low << " " << high << " " << target;
      EXPECT_LE(ticks.values.size(), static_cast<size_t>(target + 2)) << low << " " << high;
      EXPECT_LE(ticks.low, low);
      EXPECT_GE(ticks.high, high);
      EXPECT_EQ(ticks.values.size(), ticks.labels.size());
    }
}

TEST(ChartTicks, LogAtPowersOfTen) {
  const Ticks wide = log_ticks(1e-5, 1e2);
  EXPECT_EQ(wide.labels, (std::vector<std::string>{"1e-05", "0.0001", "0.001", "0.01", "0.1", "1",
                                                   "10", "100"}));
  EXPECT_EQ(wide.low, 1e-5);
  EXPECT_EQ(wide.high, 100);
  EXPECT_EQ(log_ticks(1, 1e6).labels,
            (std::vector<std::string>{"1", "10", "100", "1000", "1e+04", "1e+05", "1e+06"}));
}

TEST(ChartTicks, LogAddsTwosAndFivesUnderThreeDecades) {
  const Ticks ticks = log_ticks(0.0013, 0.0871);
  EXPECT_EQ(ticks.labels,
            (std::vector<std::string>{"0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"}));
  EXPECT_EQ(ticks.values[1], 0.002);
  EXPECT_EQ(log_ticks(0.3, 3).labels, (std::vector<std::string>{"0.2", "0.5", "1", "2", "5"}));
}

TEST(ChartTicks, LogThinsManyDecadesAndWidensOneValue) {
  const Ticks many = log_ticks(1e-10, 1e10);
  EXPECT_LE(many.values.size(), 9u);
  for (const double value : many.values)
    EXPECT_NEAR(std::log10(value), std::round(std::log10(value)), 1e-12);
  const Ticks one = log_ticks(100, 100);
  EXPECT_LT(one.low, 100);
  EXPECT_GT(one.high, 100);
  EXPECT_EQ(log_ticks(-1, 100).labels, one.labels);  // non-positive ends are ignored
  EXPECT_EQ(log_ticks(0, 0).labels, (std::vector<std::string>{"1", "2", "5", "10"}));
  EXPECT_EQ(log_ticks(NAN, INFINITY).labels, log_ticks(0, 0).labels);
}

TEST(ChartScale, LogWhereTheValuesSpanTwoDecades) {
  EXPECT_EQ(suggested_scale({3, 1, 0.02}), Scale::Log);
  EXPECT_EQ(suggested_scale({NAN, 0.01, INFINITY, 10}), Scale::Log);
  EXPECT_EQ(suggested_scale({1, 50}), Scale::Linear);
  EXPECT_EQ(suggested_scale({0, 1, 1000}), Scale::Linear);
  EXPECT_EQ(suggested_scale({-1, 10, 1000}), Scale::Linear);
  EXPECT_EQ(suggested_scale({}), Scale::Linear);
}

TEST(ChartSmoothing, DebiasedExponentialMovingAverage) {
  const std::vector<double> out = smoothed({1, 2, 3}, 0.6);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_DOUBLE_EQ(out[0], 1);                  // 0.4 / (1 - 0.6)
  EXPECT_DOUBLE_EQ(out[1], 1.04 / 0.64);        // (0.24 + 0.8) / (1 - 0.36)
  EXPECT_DOUBLE_EQ(out[2], 1.824 / 0.784);      // (0.624 + 1.2) / (1 - 0.216)
  EXPECT_EQ(smoothed({7.5, 1}, 0.99)[0], 7.5);  // the first value is its own average
}

TEST(ChartSmoothing, SkipsNonFiniteValuesAndWeightZeroIsTheIdentity) {
  const std::vector<double> out = smoothed({1, NAN, 2, INFINITY}, 0.5);
  EXPECT_DOUBLE_EQ(out[0], 1);
  EXPECT_TRUE(std::isnan(out[1]));
  EXPECT_DOUBLE_EQ(out[2], 1.25 / 0.75);
  EXPECT_EQ(out[3], INFINITY);
  const std::vector<double> values = {3, -1, 0.25, NAN, 8};
  const std::vector<double> same = smoothed(values, 0);
  EXPECT_EQ(same[0], 3);
  EXPECT_EQ(same[1], -1);
  EXPECT_EQ(same[2], 0.25);
  EXPECT_TRUE(std::isnan(same[3]));
  EXPECT_EQ(same[4], 8);
  EXPECT_THROW(smoothed(values, 1), Error);
  EXPECT_THROW(smoothed(values, -0.1), Error);
}

TEST(ChartPalette, OkabeItoBlueAndVermillionFirstYellowLast) {
  EXPECT_EQ(palette_colour(0), "#0072B2");
  EXPECT_EQ(palette_colour(1), "#D55E00");
  EXPECT_EQ(palette_colour(7), "#F0E442");
  EXPECT_EQ(palette_colour(8), palette_colour(0));
  for (size_t i = 0; i < 8; ++i)
    for (size_t j = 0; j < i; ++j) EXPECT_NE(palette_colour(i), palette_colour(j));
}

LineChart training_chart() {
  std::vector<double> steps, loss;
  for (int step = 1; step <= 200; ++step) {
    steps.push_back(step);
    loss.push_back(3 * std::exp(-step / 40.0) + 0.01 * (step % 7));
  }
  return {.title = "Training loss",
          .x = {.label = "step"},
          .y = {.label = "loss", .scale = Scale::Log},
          .series = {{.name = "", .x = steps, .y = loss, .colour = 0, .faint = true},
                     {.name = "smoothed", .x = steps, .y = smoothed(loss, 0.6), .colour = 0},
                     {.name = "validation",
                      .x = {50, 100, 150, 200},
                      .y = {0.9, 0.3, 0.1, 0.05},
                      .dashed = true,
                      .markers = true}},
          .bands = {{.low = 0, .high = 20, .label = "warm-up"}}};
}

// The d attributes of the chart's series paths.
// The d attribute of each series' path. A scan, not a regex: libstdc++'s regex recurses once
// per character a repetition matches, and a long path overflows the stack under the sanitizers.
std::vector<std::string> path_data(const std::string& svg) {
  std::vector<std::string> found;
  const std::string tag = "<path class=\"series\"", attribute = " d=\"";
  for (size_t at = svg.find(tag); at != std::string::npos; at = svg.find(tag, at + 1)) {
    const size_t end_of_tag = svg.find('>', at);
    const size_t value = svg.find(attribute, at);
    if (value == std::string::npos || value > end_of_tag) continue;
    const size_t begin = value + attribute.size();
    found.push_back(svg.substr(begin, svg.find('"', begin) - begin));
  }
  return found;
}

TEST(LineChart, IsAWellFormedSvgElement) {
  const std::string svg = line_chart_svg(training_chart());
  EXPECT_EQ(markup_error(svg), "") << svg;
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""));
  EXPECT_NE(svg.find(" data-title=\"Training loss\""), std::string::npos);
  EXPECT_NE(svg.find(" width=\"560\" height=\"320\" viewBox=\"0 0 560 320\""), std::string::npos);
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_EQ(count_of(svg, "http"), 1u) << "only the SVG namespace";
}

TEST(LineChart, DrawsTicksLabelsSeriesLegendAndBands) {
  const std::string svg = line_chart_svg(training_chart());
  EXPECT_NE(svg.find(">step</text>"), std::string::npos);
  EXPECT_NE(svg.find("transform=\"rotate(-90"), std::string::npos) << "the y label reads upwards";
  EXPECT_NE(svg.find(">loss</text>"), std::string::npos);
  EXPECT_NE(svg.find(">0.01</text>"), std::string::npos) << "log ticks on y";
  EXPECT_NE(svg.find(">200</text>"), std::string::npos);
  EXPECT_EQ(path_data(svg).size(), 3u);
  EXPECT_EQ(count_of(svg, "class=\"legend-entry\""), 2u) << "the unnamed raw series is left out";
  EXPECT_NE(svg.find("data-series=\"validation\""), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("stroke-opacity=\"0.3\""), std::string::npos) << "the faint raw points";
  EXPECT_EQ(count_of(svg, "<circle"), 4u + 1u) << "validation's markers and its legend dot";
  EXPECT_EQ(count_of(svg, "class=\"band\""), 1u);
  EXPECT_NE(svg.find(">warm-up</text>"), std::string::npos);
}

TEST(LineChart, ColoursSeriesByPositionUnlessGiven) {
  LineChart chart{.series = {{.name = "a", .x = {0, 1}, .y = {0, 1}},
                             {.name = "b", .x = {0, 1}, .y = {1, 0}},
                             {.name = "c", .x = {0, 1}, .y = {1, 1}, .colour = 5}}};
  const std::string svg = line_chart_svg(chart);
  const std::vector<std::string> colours =
      all_matches(svg, "<path class=\"series\"[^>]* stroke=\"(#[0-9A-Fa-f]{6})\"");
  EXPECT_EQ(colours,
            (std::vector<std::string>{palette_colour(0), palette_colour(1), palette_colour(5)}));
}

TEST(LineChart, OnePointSeriesDrawsAMarker) {
  const std::string svg = line_chart_svg({.series = {{.name = "final", .x = {3}, .y = {0.25}}}});
  EXPECT_EQ(markup_error(svg), "");
  EXPECT_EQ(count_of(svg, "<circle"), 1u);
  EXPECT_TRUE(path_data(svg).empty());
  EXPECT_EQ(svg.find("no data"), std::string::npos);
}

TEST(LineChart, NonFinitePointsBreakTheLine) {
  const std::string svg = line_chart_svg(
      {.series = {{.name = "loss", .x = {1, 2, 3, 4, 5, 6}, .y = {4, 3, NAN, 2, 1.5, 1}}}});
  const std::vector<std::string> data = path_data(svg);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(count_of(data[0], "M"), 2u) << data[0];
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  const std::string infinite_x = line_chart_svg(
      {.series = {{.name = "loss", .x = {1, 2, INFINITY, 4, 5}, .y = {4, 3, 2, 1, 0}}}});
  EXPECT_EQ(count_of(path_data(infinite_x).at(0), "M"), 2u);
}

TEST(LineChart, LogAxisLeavesOutNonPositivePoints) {
  const std::string svg = line_chart_svg(
      {.y = {.label = "loss", .scale = Scale::Log},
       .series = {{.name = "loss", .x = {1, 2, 3, 4, 5}, .y = {1, 0, -1, 10, 100}}}});
  EXPECT_EQ(markup_error(svg), "");
  const std::vector<std::string> data = path_data(svg);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(count_of(data[0], "M"), 1u) << "10 to 100; 1 stands alone as a dot";
  EXPECT_EQ(count_of(svg, "<circle"), 1u);
  EXPECT_EQ(svg.find(">0</text>"), std::string::npos) << "no zero on a log axis";
  EXPECT_NE(svg.find(">100</text>"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(LineChart, WithoutDataSaysSo) {
  const std::string empty = line_chart_svg({.title = "nothing yet"});
  EXPECT_EQ(markup_error(empty), "");
  EXPECT_NE(empty.find(">no data</text>"), std::string::npos);
  const std::string all_missing =
      line_chart_svg({.x = {.label = "epoch"},
                      .y = {.label = "accuracy", .scale = Scale::Log},
                      .series = {{.name = "validation", .x = {1, 2}, .y = {NAN, 0}}}});
  EXPECT_EQ(markup_error(all_missing), "");
  EXPECT_NE(all_missing.find(">no data</text>"), std::string::npos);
  EXPECT_NE(all_missing.find("class=\"legend-entry\" data-series=\"validation\""),
            std::string::npos);
  EXPECT_TRUE(path_data(all_missing).empty());
}

TEST(LineChart, SeriesWithoutAFinitePointIsInTheLegendOnly) {
  const std::string svg =
      line_chart_svg({.series = {{.name = "train", .x = {1, 2}, .y = {2, 1}},
                                 {.name = "validation", .x = {1, 2}, .y = {NAN, NAN}}}});
  EXPECT_EQ(svg.find("no data"), std::string::npos);
  EXPECT_EQ(count_of(svg, "class=\"legend-entry\""), 2u);
  EXPECT_EQ(path_data(svg).size(), 1u);
  EXPECT_EQ(count_of(svg, "data-series=\"validation\""), 1u) << "its legend entry alone";
}

TEST(LineChart, EscapesEveryText) {
  const std::string svg =
      line_chart_svg({.title = "<script>alert(1)</script> & co",
                      .x = {.label = "a<b"},
                      .y = {.label = "\"quoted\""},
                      .series = {{.name = "x' onload='y", .x = {0, 1}, .y = {0, 1}}},
                      .bands = {{.low = 0, .high = 0.5, .label = "<b>"}}});
  EXPECT_EQ(markup_error(svg), "") << svg;
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"), std::string::npos);
  EXPECT_NE(svg.find("data-series=\"x&#39; onload=&#39;y\""), std::string::npos);
  EXPECT_NE(svg.find("&quot;quoted&quot;"), std::string::npos);
}

TEST(LineChart, FixedLimitsClipTheData) {
  const std::string svg =
      line_chart_svg({.x = {.label = "step"},
                      .y = {.label = "accuracy", .low = 0.0, .high = 1.0},
                      .series = {{.name = "accuracy", .x = {100, 200, 300}, .y = {0.5, 5, 0.5}}}});
  EXPECT_EQ(markup_error(svg), "");
  EXPECT_NE(svg.find(">1</text>"), std::string::npos);
  EXPECT_NE(svg.find(">0.2</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">5</text>"), std::string::npos) << "the axis keeps its limits";
  const std::vector<std::string> ids = all_matches(svg, "<clipPath id=\"([^\"]+)\"");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_NE(svg.find("<g clip-path=\"url(#" + ids[0] + ")\">"), std::string::npos);
}

TEST(LineChart, ClipIdsDifferBetweenChartsAndOutputIsDeterministic) {
  LineChart other = training_chart();
  other.series[2].y[1] = 0.31;
  const std::string first = line_chart_svg(training_chart());
  const std::string second = line_chart_svg(other);
  const std::vector<std::string> first_ids = all_matches(first, "<clipPath id=\"([^\"]+)\"");
  const std::vector<std::string> second_ids = all_matches(second, "<clipPath id=\"([^\"]+)\"");
  ASSERT_EQ(first_ids.size(), 1u);
  ASSERT_EQ(second_ids.size(), 1u);
  EXPECT_NE(first_ids[0], second_ids[0]);
  EXPECT_EQ(line_chart_svg(training_chart()), first);
}

TEST(LineChart, ThinsLongSeriesToWhatThePixelsShow) {
  std::vector<double> x, y;
  for (int i = 0; i < 100000; ++i) {
    x.push_back(i);
    y.push_back(i == 50000 ? 10 : std::sin(i / 500.0));
  }
  const std::string svg = line_chart_svg({.series = {{.name = "loss", .x = x, .y = y}}});
  EXPECT_LT(svg.size(), 40000u);
  EXPECT_NE(svg.find(">10</text>"), std::string::npos) << "the spike keeps its axis";
  std::vector<double> heights;  // px from the top, of every point drawn
  for (const std::string& y : all_matches(path_data(svg).at(0), ",(-?[0-9.]+)"))
    heights.push_back(std::stod(y));
  const double top = *std::min_element(heights.begin(), heights.end());
  EXPECT_EQ(std::count_if(heights.begin(), heights.end(), [&](double y) { return y < top + 50; }),
            1)
      << "the one-point spike is still drawn, far above the rest";
}

TEST(LineChart, StaysFiniteForExtremeValues) {
  for (const Scale scale : {Scale::Linear, Scale::Log}) {
    const std::string svg =
        line_chart_svg({.x = {.label = "x", .scale = scale},
                        .y = {.label = "y", .scale = scale},
                        .series = {{.name = "wild",
                                    .x = {1e-300, 3, 4.5e7, DBL_MAX, 4e-320},
                                    .y = {4.5e7, -1e300, 1e-300, 2, 1}}},
                        .bands = {{.low = -DBL_MAX, .high = 1e-310, .label = "everything"}}});
    EXPECT_EQ(markup_error(svg), "");
    EXPECT_EQ(svg.find("nan"), std::string::npos);
    EXPECT_EQ(svg.find("inf"), std::string::npos);
  }
  for (const double value : log_ticks(1e-300, 4.5e7).values) {
    EXPECT_TRUE(std::isfinite(value));
    EXPECT_GT(value, 0);
  }
}

TEST(LineChart, RefusesMismatchedSeriesAndBadLimits) {
  EXPECT_THROW(line_chart_svg({.series = {{.name = "short", .x = {1, 2}, .y = {1}}}}), Error);
  EXPECT_THROW(line_chart_svg({.y = {.label = "loss", .scale = Scale::Log, .low = 0.0}}), Error);
  EXPECT_THROW(line_chart_svg({.x = {.label = "step", .low = 5.0, .high = 1.0}}), Error);
}

TEST(LineChart, LegendListsWhatFitsAndCountsTheRest) {
  LineChart chart;
  for (int i = 0; i < 30; ++i)
    chart.series.push_back({.name = "trial " + std::to_string(i), .x = {0, 1}, .y = {0, i * 1.0}});
  const std::string svg = line_chart_svg(chart);
  EXPECT_EQ(markup_error(svg), "");
  const size_t entries = count_of(svg, "class=\"legend-entry\"");
  EXPECT_LT(entries, 30u);
  EXPECT_NE(svg.find(">and " + std::to_string(30 - entries) + " more</text>"), std::string::npos);
}

TEST(LineChart, LegendSitsOutsideThePlotBesideItOrAboveANarrowOne) {
  LineChart chart{.series = {{.name = "train", .x = {0, 1}, .y = {0, 1}},
                             {.name = "validation", .x = {0, 1}, .y = {1, 0}}}};
  const auto plot_and_first_entry = [](const std::string& svg) {
    const std::regex plot(
        "<clipPath id=\"[^\"]+\"><rect x=\"([0-9.]+)\" y=\"([0-9.]+)\" "
        "width=\"([0-9.]+)\" height=\"([0-9.]+)\"");
    const std::regex entry("class=\"legend-entry\"[^>]*><line x1=\"([0-9.]+)\" y1=\"([0-9.]+)\"");
    std::smatch frame, swatch;
    EXPECT_TRUE(std::regex_search(svg, frame, plot));
    EXPECT_TRUE(std::regex_search(svg, swatch, entry));
    return std::array<double, 6>{std::stod(frame[1]), std::stod(frame[2]),  std::stod(frame[3]),
                                 std::stod(frame[4]), std::stod(swatch[1]), std::stod(swatch[2])};
  };
  const auto [left, top, width, height, entry_x, entry_y] =
      plot_and_first_entry(line_chart_svg(chart));
  EXPECT_GT(entry_x, left + width) << "beside the plot";
  chart.width = 300;
  const auto [narrow_left, narrow_top, narrow_width, narrow_height, above_x, above_y] =
      plot_and_first_entry(line_chart_svg(chart));
  EXPECT_LT(above_y, narrow_top) << "above the plot";
  EXPECT_GT(narrow_width, 0.6 * chart.width);
}

ParallelCoordinates sweep_chart() {
  return {
      .title = "Sweep",
      .dimensions = {
          {.name = "lr", .values = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2}, .log_scale = true},
          {.name = "dropout", .values = {0, 0.1, 0.2, NAN, 0.3}},
          {.name = "optimizer", .values = {0, 1, 0, 2, 1}, .categories = {"adam", "adamw", "sgd"}},
          {.name = "validation_mse", .values = {0.41, 0.38, 0.36, 0.5, NAN}}}};
}

TEST(ParallelCoordinates, DrawsAnAxisPerDimensionAndALinePerItem) {
  const std::string svg = parallel_coordinates_svg(sweep_chart());
  EXPECT_EQ(markup_error(svg), "") << svg;
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""));
  EXPECT_EQ(count_of(svg, "class=\"axis-name\""), 4u);
  EXPECT_EQ(count_of(svg, "<path class=\"item\""), 5u);
  for (const std::string label : {">adam<", ">adamw<", ">sgd<", ">0.001<", ">0.01<"})
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  EXPECT_NE(svg.find(">lower is better<"), std::string::npos);
  EXPECT_EQ(count_of(svg, "http"), 1u);
  EXPECT_EQ(parallel_coordinates_svg(sweep_chart()), svg);
}

TEST(ParallelCoordinates, DrawsTheBestLastAndMissingValuesApart) {
  const std::string svg = parallel_coordinates_svg(sweep_chart());
  const std::vector<std::string> items = all_matches(svg, "<title>(lr [^<]*)</title>");
  ASSERT_EQ(items.size(), 5u);
  EXPECT_NE(items.front().find("validation_mse missing"), std::string::npos) << "grey, beneath";
  EXPECT_NE(items.back().find("validation_mse 0.36"), std::string::npos) << "the best, on top";
  EXPECT_NE(items[1].find("validation_mse 0.5"), std::string::npos) << "the worst";
  EXPECT_EQ(count_of(svg, ">missing</text>"), 2u) << "dropout and the metric miss values";
  ParallelCoordinates higher = sweep_chart();
  higher.lower_is_better = false;
  const std::vector<std::string> reversed =
      all_matches(parallel_coordinates_svg(higher), "<title>(lr [^<]*)</title>");
  EXPECT_NE(reversed.back().find("validation_mse 0.5"), std::string::npos);
}

TEST(ParallelCoordinates, WithoutItemsSaysSo) {
  ParallelCoordinates chart = sweep_chart();
  for (ParallelDimension& dimension : chart.dimensions) dimension.values.clear();
  const std::string svg = parallel_coordinates_svg(chart);
  EXPECT_EQ(markup_error(svg), "");
  EXPECT_NE(svg.find(">no data</text>"), std::string::npos);
  EXPECT_NE(parallel_coordinates_svg({.title = "empty"}).find(">no data</text>"),
            std::string::npos);
}

TEST(ParallelCoordinates, RefusesMismatchedDimensionsAndUnknownCategories) {
  ParallelCoordinates uneven = sweep_chart();
  uneven.dimensions[1].values.pop_back();
  EXPECT_THROW(parallel_coordinates_svg(uneven), Error);
  ParallelCoordinates unknown = sweep_chart();
  unknown.dimensions[2].values[0] = 3;
  EXPECT_THROW(parallel_coordinates_svg(unknown), Error);
}

}  // namespace
}  // namespace kiln::tools::report
