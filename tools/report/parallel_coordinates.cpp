// Parallel coordinates (Inselberg 1985) for a sweep: one vertical axis per parameter and one
// for the metric, one line per trial across them, coloured by the metric.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "tensor/error.h"
#include "tools/report/markup.h"
#include "tools/report/svg_chart.h"
#include "tools/report/svg_elements.h"

namespace kiln::tools::report {

namespace {

using svg::AxisMap;

constexpr double kBarWidth = 8;   // px: the metric's axis, drawn as its colour scale
constexpr int kBarSegments = 48;  // steps of colour along it
constexpr double kTickFont = 10;  // px: tick labels sit among the lines, so smaller

// Viridis (van der Walt and Smith 2015, matplotlib's default map): perceptually uniform,
// readable in grey and by colour-blind readers. Its last stretch, yellow, is faint on white.
constexpr std::array<std::array<double, 3>, 5> kViridis = {
    {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};
constexpr double kViridisUsed = 0.85;
constexpr const char* kMissingColour = "#b8b8b8";
// Tick labels with a white halo, to read over the lines.
constexpr std::string_view kTickLabelStyle =
    "dy=\"0.32em\" font-size=\"10\" fill=\"#555\" stroke=\"#fff\" stroke-width=\"3\" "
    "paint-order=\"stroke\"";

// `shade` from 0 (the best: darkest) to 1 (the worst: palest) on the cut viridis ramp.
std::string ramp_colour(double shade) {
  const double position = std::clamp(shade, 0.0, 1.0) * kViridisUsed * (kViridis.size() - 1);
  const size_t below = std::min(static_cast<size_t>(position), kViridis.size() - 2);
  const double above = position - static_cast<double>(below);
  int channels[3];
  for (size_t c = 0; c < 3; ++c)
    channels[c] = static_cast<int>(
        std::lround(kViridis[below][c] * (1 - above) + kViridis[below + 1][c] * above));
  char hex[8];
  std::snprintf(hex, sizeof hex, "#%02x%02x%02x", channels[0], channels[1], channels[2]);
  return hex;
}

bool categorical(const ParallelDimension& dimension) {
  return !dimension.categories.empty();
}

// A value the axis can place: finite, positive on a log axis, a category's index.
bool present(const ParallelDimension& dimension, double value) {
  if (!std::isfinite(value)) return false;
  return categorical(dimension) || !dimension.log_scale || value > 0;
}

void check_chart(const ParallelCoordinates& chart) {
  KILN_CHECK(chart.width > 0 && chart.height > 0, "parallel_coordinates_svg: the chart '",
             chart.title, "' is ", chart.width, " x ", chart.height, " px");
  for (const ParallelDimension& dimension : chart.dimensions) {
    KILN_CHECK(dimension.values.size() == chart.dimensions[0].values.size(),
               "parallel_coordinates_svg: dimension '", dimension.name, "' has ",
               dimension.values.size(), " values, '", chart.dimensions[0].name, "' has ",
               chart.dimensions[0].values.size());
    for (const double value : dimension.values)
      KILN_CHECK(!categorical(dimension) || !std::isfinite(value) ||
                     (value >= 0 && value < static_cast<double>(dimension.categories.size()) &&
                      value == std::floor(value)),
                 "parallel_coordinates_svg: dimension '", dimension.name, "' has ",
                 dimension.categories.size(), " categories; ", value, " indexes none of them");
  }
}

// A dimension's ticks and scale (categories sit at 0, 1, ... on a range half a step wider),
// and whether an item misses its value.
struct DimensionAxis {
  Ticks ticks;
  Scale scale = Scale::Linear;
  bool has_missing = false;
};

bool has_missing(const ParallelDimension& dimension) {
  return std::any_of(dimension.values.begin(), dimension.values.end(),
                     [&](double value) { return !present(dimension, value); });
}

Ticks category_ticks(const std::vector<std::string>& categories) {
  Ticks ticks;
  ticks.labels = categories;
  for (size_t i = 0; i < categories.size(); ++i) ticks.values.push_back(static_cast<double>(i));
  ticks.low = -0.5;
  ticks.high = static_cast<double>(categories.size()) - 0.5;
  return ticks;
}

DimensionAxis axis_of(const ParallelDimension& dimension) {
  DimensionAxis axis;
  axis.has_missing = has_missing(dimension);
  if (categorical(dimension)) {
    axis.ticks = category_ticks(dimension.categories);
    return axis;
  }
  double low = INFINITY, high = -INFINITY;
  for (const double value : dimension.values)
    if (present(dimension, value)) low = std::min(low, value), high = std::max(high, value);
  axis.scale = dimension.log_scale ? Scale::Log : Scale::Linear;
  axis.ticks = dimension.log_scale ? log_ticks(low, high) : linear_ticks(low, high, 5);
  return axis;
}

// The axes' ends and the row of missing values below them (where there are any), in px, and
// the x of every axis.
struct Layout {
  double top = 0, bottom = 0, missing_y = 0;
  std::vector<double> axis_x;
};

// The axes evenly spread, the first clear of the left edge by half its name, the last clear
// of the right edge by its tick labels (or half its name).
std::vector<double> axis_positions(const ParallelCoordinates& chart,
                                   const std::vector<DimensionAxis>& axes) {
  const size_t count = axes.size();
  if (count == 1) return {chart.width / 2.0};
  const double first_name = svg::text_width(chart.dimensions.front().name, svg::kLabelFont) / 2;
  const double left = std::clamp(first_name, 16.0, chart.width / 8.0) + 8;
  const double metric_labels = kBarWidth / 2 + 6 + svg::widest(axes.back().ticks.labels, kTickFont);
  const double metric_name = svg::text_width(chart.dimensions.back().name, svg::kLabelFont) / 2;
  const double right =
      chart.width - std::min(std::max({metric_labels, metric_name, 40.0}), chart.width / 4.0) - 8;
  std::vector<double> positions;
  for (size_t i = 0; i < count; ++i)
    positions.push_back(left +
                        (right - left) * static_cast<double>(i) / static_cast<double>(count - 1));
  return positions;
}

Layout layout_of(const ParallelCoordinates& chart, const std::vector<DimensionAxis>& axes) {
  Layout layout;
  layout.top = (chart.title.empty() ? 12 : 36) + 24;
  const bool any_missing = std::any_of(axes.begin(), axes.end(),
                                       [](const DimensionAxis& axis) { return axis.has_missing; });
  layout.bottom = chart.height - (any_missing ? 58 : 34);
  layout.missing_y = layout.bottom + 22;
  layout.axis_x = axis_positions(chart, axes);
  return layout;
}

AxisMap pixels_of(const DimensionAxis& axis, const Layout& layout) {
  return {axis.scale, axis.ticks.low, axis.ticks.high, layout.bottom, layout.top};
}

// Where an item's metric lies in the metric's colours: 0 for the best end of its axis.
double shade_of(const ParallelCoordinates& chart, const DimensionAxis& metric, double value) {
  const double fraction = AxisMap{metric.scale, metric.ticks.low, metric.ticks.high, 0, 1}(value);
  return chart.lower_is_better ? fraction : 1 - fraction;
}

std::string value_text(const ParallelDimension& dimension, double value) {
  if (!present(dimension, value)) return "missing";
  if (categorical(dimension)) return dimension.categories[static_cast<size_t>(value)];
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

// One item's line through its values (missing ones on the row below the axes), its values
// in a tooltip.
std::string item_path(const ParallelCoordinates& chart, const std::vector<DimensionAxis>& axes,
                      const Layout& layout, size_t item, const std::string& stroke) {
  std::string data = "M", values;
  for (size_t d = 0; d < axes.size(); ++d) {
    const ParallelDimension& dimension = chart.dimensions[d];
    const double value = dimension.values[item];
    const double y =
        present(dimension, value) ? pixels_of(axes[d], layout)(value) : layout.missing_y;
    if (d > 0) data += " L";
    data += coordinate(layout.axis_x[d]) + "," + coordinate(y);
    if (d > 0) values += ", ";
    values += dimension.name + " " + value_text(dimension, value);
  }
  if (axes.size() == 1) data += " l0,0";  // a dot: a zero-length line with round caps
  return "<path class=\"item\" d=\"" + data + "\" fill=\"none\" stroke=\"" + stroke +
         "\" stroke-width=\"1.6\" stroke-opacity=\"0.85\" stroke-linejoin=\"round\"" +
         " stroke-linecap=\"round\"><title>" + escaped(values) + "</title></path>\n";
}

// Items with no metric first, in grey; then from the worst to the best, so the best are on top.
std::string items_markup(const ParallelCoordinates& chart, const std::vector<DimensionAxis>& axes,
                         const Layout& layout) {
  const ParallelDimension& metric = chart.dimensions.back();
  std::vector<std::pair<double, size_t>> order;  // (-shade, item); missing metric: -infinity
  for (size_t item = 0; item < metric.values.size(); ++item)
    order.emplace_back(present(metric, metric.values[item])
                           ? -shade_of(chart, axes.back(), metric.values[item])
                           : -INFINITY,
                       item);
  std::stable_sort(order.begin(), order.end());
  std::string out;
  for (const auto& [negative_shade, item] : order)
    out += item_path(chart, axes, layout, item,
                     std::isinf(negative_shade) ? kMissingColour : ramp_colour(-negative_shade));
  return out;
}

std::string tick_labels(const DimensionAxis& axis, const AxisMap& map, double x) {
  std::string out;
  for (size_t i = 0; i < axis.ticks.values.size(); ++i) {
    const double y = map(axis.ticks.values[i]);
    out += svg::line(x, y, x + 4, y, svg::kTickColour);
    out += svg::text(x + 6, y, axis.ticks.labels[i], kTickLabelStyle);
  }
  return out;
}

// The metric's axis as its colour scale: the best end darkest.
std::string colour_bar(const ParallelCoordinates& chart, const DimensionAxis& axis,
                       const Layout& layout, double x) {
  std::string out = "<g class=\"colour-scale\">";
  const double step = (layout.bottom - layout.top) / kBarSegments;
  for (int i = 0; i < kBarSegments; ++i) {
    const double fraction = (i + 0.5) / kBarSegments;  // from the bottom
    const std::string colour = ramp_colour(chart.lower_is_better ? fraction : 1 - fraction);
    out += "<rect x=\"" + coordinate(x - kBarWidth / 2) + "\" y=\"" +
           coordinate(layout.bottom - step * (i + 1)) + "\" width=\"" + coordinate(kBarWidth) +
           "\" height=\"" + coordinate(step + 0.5) + "\" fill=\"" + colour + "\"/>";
  }
  out += "</g>\n";
  out +=
      svg::text(x, chart.height - 8, chart.lower_is_better ? "lower is better" : "higher is better",
                "text-anchor=\"middle\" font-size=\"10\" fill=\"#666\"");
  return out + tick_labels(axis, pixels_of(axis, layout), x + kBarWidth / 2);
}

// The place of an axis' missing values, apart from the axis.
std::string missing_mark(const Layout& layout, double x) {
  return "<circle cx=\"" + coordinate(x) + "\" cy=\"" + coordinate(layout.missing_y) +
         "\" r=\"3\" fill=\"#fff\" stroke=\"#777\"/>\n" +
         svg::text(x + 6, layout.missing_y, "missing", kTickLabelStyle);
}

// Every axis with its name above it and its tick labels to its right.
std::string axes_markup(const ParallelCoordinates& chart, const std::vector<DimensionAxis>& axes,
                        const Layout& layout) {
  std::string out;
  const double spacing = axes.size() > 1 ? layout.axis_x[1] - layout.axis_x[0] : chart.width;
  for (size_t d = 0; d < axes.size(); ++d) {
    const double x = layout.axis_x[d];
    out += svg::text(
        x, layout.top - 12, svg::fitted(chart.dimensions[d].name, spacing - 10, svg::kLabelFont),
        "class=\"axis-name\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\"");
    if (axes[d].has_missing) out += missing_mark(layout, x);
    if (d + 1 == axes.size()) {
      out += colour_bar(chart, axes[d], layout, x);
      continue;
    }
    out += svg::line(x, layout.top, x, layout.bottom, "#777");
    out += tick_labels(axes[d], pixels_of(axes[d], layout), x);
  }
  return out;
}

}  // namespace

std::string parallel_coordinates_svg(const ParallelCoordinates& chart) {
  check_chart(chart);
  std::string svg =
      svg::open(chart.width, chart.height, chart.title) + svg::title(chart.title, chart.width);
  if (chart.dimensions.empty() || chart.dimensions[0].values.empty())
    return svg + svg::no_data(chart.width / 2.0, chart.height / 2.0) + std::string(svg::kClose);
  std::vector<DimensionAxis> axes;
  for (const ParallelDimension& dimension : chart.dimensions) axes.push_back(axis_of(dimension));
  const Layout layout = layout_of(chart, axes);
  return svg + items_markup(chart, axes, layout) + axes_markup(chart, axes, layout) +
         std::string(svg::kClose);
}

}  // namespace kiln::tools::report
