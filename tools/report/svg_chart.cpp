// Line charts (training curves, forecasts against the truth, scatter plots) as SVG, with the
// smoothing and the palette they use. Ticks are in chart_ticks.cpp, parallel coordinates in
// parallel_coordinates.cpp.
#include "tools/report/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "tensor/error.h"
#include "tools/report/line_series.h"
#include "tools/report/markup.h"
#include "tools/report/svg_elements.h"

namespace kiln::tools::report {

namespace {

using svg::AxisMap;
using svg::drawable;
using svg::kSwatch;
using svg::Point;

constexpr double kInset = 6;       // px between the data's ends and the frame
constexpr double kLegendRow = 18;  // px between legend entries
// Of the figure's width, at most, for a legend name beside the plot and above it.
constexpr double kBesideShare = 0.3, kAboveShare = 0.6;
constexpr double kPlotShare = 0.55;  // of the figure's width, at least, beside a legend
constexpr int kMostLegendRows = 3;   // of a legend across the top

// Where the data lies along one axis.
struct Extent {
  double low = INFINITY, high = -INFINITY;
  void include(double value) {
    low = std::min(low, value);
    high = std::max(high, value);
  }
};

// The plot area in px, its ticks, the widest legend name shown (0: no legend) and where the
// legend's entries go: one place per named series, or fewer and the last for "and N more".
struct Layout {
  double left = 0, top = 0, right = 0, bottom = 0;
  Ticks x, y;
  double legend_text = 0;
  std::vector<Point> legend_places;
};

bool drawable(const LineChart& chart, double x, double y) {
  return drawable(x, chart.x.scale) && drawable(y, chart.y.scale);
}

void check_axis(const Axis& axis) {
  const std::string name = "line_chart_svg: axis '" + axis.label + "'";
  for (const std::optional<double> limit : {axis.low, axis.high})
    KILN_CHECK(!limit || drawable(*limit, axis.scale), name, " has the limit ", *limit,
               axis.scale == Scale::Log ? " on a log scale" : "");
  KILN_CHECK(!axis.low || !axis.high || *axis.low < *axis.high, name, " runs from ", *axis.low,
             " to ", *axis.high);
}

void check_chart(const LineChart& chart) {
  KILN_CHECK(chart.width > 0 && chart.height > 0, "line_chart_svg: the chart '", chart.title,
             "' is ", chart.width, " x ", chart.height, " px");
  check_axis(chart.x);
  check_axis(chart.y);
  for (const Series& series : chart.series)
    KILN_CHECK(series.x.size() == series.y.size(), "line_chart_svg: the series '", series.name,
               "' has ", series.x.size(), " x and ", series.y.size(), " y values");
}

bool has_data(const LineChart& chart) {
  for (const Series& series : chart.series)
    for (size_t i = 0; i < series.x.size(); ++i)
      if (drawable(chart, series.x[i], series.y[i])) return true;
  return false;
}

bool within(double value, const Axis& axis) {
  return value >= axis.low.value_or(-INFINITY) && value <= axis.high.value_or(INFINITY);
}

// x over the drawable points and the bands.
Extent x_extent(const LineChart& chart) {
  Extent extent;
  for (const Series& series : chart.series)
    for (size_t i = 0; i < series.x.size(); ++i)
      if (drawable(chart, series.x[i], series.y[i])) extent.include(series.x[i]);
  for (const Band& band : chart.bands)
    for (const double end : {band.low, band.high})
      if (drawable(end, chart.x.scale)) extent.include(end);
  return extent;
}

// y over the drawable points inside the x axis' limits.
Extent y_extent(const LineChart& chart) {
  Extent extent;
  for (const Series& series : chart.series)
    for (size_t i = 0; i < series.x.size(); ++i)
      if (drawable(chart, series.x[i], series.y[i]) && within(series.x[i], chart.x))
        extent.include(series.y[i]);
  return extent;
}

// An axis' range over the frame from `from` to `to` px, inset at the ends not held at a fixed
// limit so that markers there stay clear of the axes (matplotlib and ggplot2 leave margins
// too); the frame clips nothing else.
AxisMap data_map(const Axis& axis, const Ticks& ticks, double from, double to) {
  const double inward = to > from ? kInset : -kInset;
  return {axis.scale, ticks.low, ticks.high, from + (axis.low ? 0 : inward),
          to - (axis.high ? 0 : inward)};
}

// Only the ticks inside an axis' fixed limits, which become its ends.
Ticks within_limits(const Ticks& ticks, const Axis& axis) {
  Ticks kept;
  kept.low = axis.low.value_or(ticks.low);
  kept.high = axis.high.value_or(ticks.high);
  const double slack = 1e-9 * (kept.high - kept.low);
  for (size_t i = 0; i < ticks.values.size(); ++i) {
    if (ticks.values[i] < kept.low - slack || ticks.values[i] > kept.high + slack) continue;
    kept.values.push_back(ticks.values[i]);
    kept.labels.push_back(ticks.labels[i]);
  }
  return kept;
}

// Ticks over the data, inside the axis' fixed limits where it has them (data wholly beyond
// one limit gives an axis starting there).
Ticks axis_ticks(const Axis& axis, const Extent& data, int target) {
  double low = axis.low.value_or(data.low), high = axis.high.value_or(data.high);
  if (axis.low && !axis.high && !(high > low)) high = low;
  if (axis.high && !axis.low && !(low < high)) low = high;
  return within_limits(axis.scale == Scale::Log
                           ? log_ticks(low, high)
                           : linear_ticks(low, high, target, axis.whole_numbers ? 1 : 0),
                       axis);
}

// Neighbouring labels, centred on their ticks, at least 10 px apart.
bool labels_apart(const Ticks& ticks, const AxisMap& map) {
  for (size_t i = 1; i < ticks.values.size(); ++i) {
    const double gap = map(ticks.values[i]) - map(ticks.values[i - 1]);
    const double half_widths = svg::text_width(ticks.labels[i - 1], svg::kTickFont) / 2 +
                               svg::text_width(ticks.labels[i], svg::kTickFont) / 2;
    if (gap < half_widths + 10) return false;
  }
  return true;
}

// As many x ticks as fit, up to one per 70 px.
Ticks x_ticks(const Axis& axis, const Extent& data, double left, double right) {
  for (int target = std::max(2, static_cast<int>((right - left) / 70));; --target) {
    const Ticks ticks = axis_ticks(axis, data, target);
    if (target == 2 || labels_apart(ticks, data_map(axis, ticks, left, right))) return ticks;
  }
}

std::vector<size_t> named_series(const std::vector<Series>& series) {
  std::vector<size_t> named;
  for (size_t i = 0; i < series.size(); ++i)
    if (!series[i].name.empty()) named.push_back(i);
  return named;
}

// The widest series name, up to `share` of the figure's width.
double legend_text_width(const LineChart& chart, double share) {
  double width = 0;
  for (const Series& series : chart.series)
    width = std::max(width, svg::text_width(series.name, svg::kTickFont));
  return std::min(width, share * chart.width);
}

// Down the right of the plot, as many entries as its height holds.
std::vector<Point> places_on_the_right(size_t count, const Layout& layout) {
  const auto rows = static_cast<size_t>(std::max(1.0, (layout.bottom - layout.top) / kLegendRow));
  std::vector<Point> places;
  for (size_t i = 0; i < std::min(count, rows); ++i)
    places.push_back({layout.right + 18, layout.top + 8 + kLegendRow * static_cast<double>(i)});
  return places;
}

// In rows across the top from `y`, as many entries as kMostLegendRows hold.
std::vector<Point> places_on_top(const LineChart& chart, double text_width, double y) {
  std::vector<Point> places;
  double x = 10;
  int row = 0;
  for (const size_t index : named_series(chart.series)) {
    const std::string shown = svg::fitted(chart.series[index].name, text_width, svg::kTickFont);
    const double width = kSwatch + 6 + svg::text_width(shown, svg::kTickFont) + 16;
    if (x > 10 && x + width > chart.width - 10) {
      if (++row == kMostLegendRows) break;
      x = 10;
      y += kLegendRow;
    }
    places.push_back({x, y});
    x += width;
  }
  return places;
}

// The legend right of the plot, or above it where the plot would be left too narrow; the
// plot's right (and top) edge made room for it.
void place_legend(const LineChart& chart, Layout& layout) {
  layout.legend_text = legend_text_width(chart, kBesideShare);
  const double beside = 18 + kSwatch + 6 + layout.legend_text + 10;
  if (layout.legend_text == 0) {
    layout.right = chart.width - 24;
  } else if (chart.width - beside - layout.left >= kPlotShare * chart.width) {
    layout.right = chart.width - beside;
    layout.legend_places = places_on_the_right(named_series(chart.series).size(), layout);
  } else {
    layout.right = chart.width - 24;
    layout.legend_text = legend_text_width(chart, kAboveShare);
    layout.legend_places = places_on_top(chart, layout.legend_text, layout.top + 2);
    layout.top = layout.legend_places.back().y + kLegendRow;
  }
  layout.right = std::max(layout.right, layout.left + 1);
}

Layout layout_of(const LineChart& chart, bool with_data) {
  Layout layout;
  layout.top = chart.title.empty() ? 14 : 36;
  layout.bottom = chart.height - (chart.x.label.empty() ? 28 : 46);
  const int y_target = std::max(2, static_cast<int>((layout.bottom - layout.top) / 50));
  layout.y = axis_ticks(chart.y, y_extent(chart), y_target);
  const double y_labels = with_data ? svg::widest(layout.y.labels, svg::kTickFont) : 0;
  layout.left = 10 + (chart.y.label.empty() ? 0 : 20) + y_labels + 8;
  place_legend(chart, layout);
  layout.x = x_ticks(chart.x, x_extent(chart), layout.left, layout.right);
  return layout;
}

// Each band as a light grey span of the plot's height, and its label at the top, drawn over
// the lines.
struct BandMarkup {
  std::string spans, labels;
};

BandMarkup bands_markup(const LineChart& chart, const Layout& layout, const AxisMap& x) {
  BandMarkup out;
  for (const Band& band : chart.bands) {
    if (!drawable(band.low, chart.x.scale) || !drawable(band.high, chart.x.scale)) continue;
    const double from = std::clamp(x(std::min(band.low, band.high)), layout.left, layout.right);
    const double to = std::clamp(x(std::max(band.low, band.high)), layout.left, layout.right);
    if (to <= from) continue;
    out.spans += "<rect class=\"band\" x=\"" + coordinate(from) + "\" y=\"" +
                 coordinate(layout.top) + "\" width=\"" + coordinate(to - from) + "\" height=\"" +
                 coordinate(layout.bottom - layout.top) +
                 "\" fill=\"#000\" fill-opacity=\"0.06\"/>\n";
    // A narrow band's label may run on over the plot, not past it.
    const double room = std::min(std::max(to - from, 90.0), layout.right - from) - 8;
    out.labels += svg::text(from + 4, layout.top + kInset + 13, svg::fitted(band.label, room, 10),
                            "font-size=\"10\" fill=\"#555\" stroke=\"#fff\" stroke-width=\"3\" "
                            "stroke-opacity=\"0.8\" paint-order=\"stroke\"");
  }
  return out;
}

// Grid lines, tick marks and labels of both axes.
std::string ticks_markup(const Layout& layout, const AxisMap& x, const AxisMap& y) {
  std::string out;
  const std::string tick_text = "fill=\"" + std::string(svg::kTickColour) + "\"";
  for (size_t i = 0; i < layout.y.values.size(); ++i) {
    const double at = y(layout.y.values[i]);
    out += svg::line(layout.left, at, layout.right, at, svg::kGridColour);
    out += svg::line(layout.left - 4, at, layout.left, at, svg::kAxisColour);
    out += svg::text(layout.left - 7, at, layout.y.labels[i],
                     "text-anchor=\"end\" dy=\"0.32em\" " + tick_text);
  }
  for (size_t i = 0; i < layout.x.values.size(); ++i) {
    const double at = x(layout.x.values[i]);
    out += svg::line(at, layout.bottom, at, layout.bottom + 4, svg::kAxisColour);
    out += svg::text(at, layout.bottom + 17, layout.x.labels[i],
                     "text-anchor=\"middle\" " + tick_text);
  }
  return out;
}

// The left and bottom axis lines and the axes' labels, y's turned to read upwards.
std::string axes_markup(const LineChart& chart, const Layout& layout) {
  std::string out =
      svg::line(layout.left, layout.top, layout.left, layout.bottom, svg::kAxisColour);
  out += svg::line(layout.left, layout.bottom, layout.right, layout.bottom, svg::kAxisColour);
  const std::string label_font = "font-size=\"12\" text-anchor=\"middle\"";
  if (!chart.x.label.empty())
    out += svg::text((layout.left + layout.right) / 2, chart.height - 12,
                     svg::fitted(chart.x.label, layout.right - layout.left, svg::kLabelFont),
                     label_font);
  if (!chart.y.label.empty()) {
    const std::string centre = coordinate((layout.top + layout.bottom) / 2);
    out += svg::text(18, (layout.top + layout.bottom) / 2,
                     svg::fitted(chart.y.label, layout.bottom - layout.top, svg::kLabelFont),
                     label_font + " transform=\"rotate(-90 18 " + centre + ")\"");
  }
  return out;
}

// The series' own palette colour, else its position's.
std::string colour_of(const std::vector<Series>& series, size_t index) {
  return palette_colour(series[index].colour.value_or(index));
}

// The named series at their places; those without one counted in the last place.
std::string legend_markup(const std::vector<Series>& series, const Layout& layout) {
  const std::vector<size_t> named = named_series(series);
  const std::vector<Point>& places = layout.legend_places;
  const size_t shown = named.size() <= places.size() ? named.size() : places.size() - 1;
  std::string out;
  for (size_t i = 0; i < shown; ++i)
    out += svg::legend_entry(series[named[i]], colour_of(series, named[i]), places[i].x,
                             places[i].y, layout.legend_text);
  if (shown < named.size())
    out += svg::text(places[shown].x, places[shown].y,
                     "and " + std::to_string(named.size() - shown) + " more",
                     "dy=\"0.32em\" fill=\"#666\"");
  return out;
}

// The frame, then the lines clipped to the plot area, by a clipPath whose id is a digest of
// all the chart draws: charts sharing a page differ in their ids unless they are the same.
std::string clipped(const std::string& frame, const std::string& lines, const std::string& over,
                    const Layout& layout) {
  if (lines.empty()) return frame;
  const std::string id = "chart-" + svg::digest(frame + lines + over);
  return "<defs><clipPath id=\"" + id + "\"><rect x=\"" + coordinate(layout.left) + "\" y=\"" +
         coordinate(layout.top) + "\" width=\"" + coordinate(layout.right - layout.left) +
         "\" height=\"" + coordinate(layout.bottom - layout.top) + "\"/></clipPath></defs>\n" +
         frame + "<g clip-path=\"url(#" + id + ")\">\n" + lines + "</g>\n";
}

}  // namespace

std::vector<double> smoothed(const std::vector<double>& values, double weight) {
  KILN_CHECK(weight >= 0 && weight < 1, "smoothed: the weight must lie in [0, 1), not ", weight);
  std::vector<double> out = values;
  double average = 0, weight_to_the_t = 1;
  for (double& value : out) {
    if (!std::isfinite(value)) continue;
    average = weight * average + (1 - weight) * value;
    weight_to_the_t *= weight;
    value = average / (1 - weight_to_the_t);
  }
  return out;
}

const std::string& palette_colour(size_t index) {
  // Blue and vermillion, the most distinct pair, first; yellow, faint on white, last.
  static const std::array<std::string, 8> kOkabeIto = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                       "#E69F00", "#56B4E9", "#000000", "#F0E442"};
  return kOkabeIto[index % kOkabeIto.size()];
}

std::string line_chart_svg(const LineChart& chart) {
  check_chart(chart);
  const bool with_data = has_data(chart);
  const Layout layout = layout_of(chart, with_data);
  const AxisMap x = data_map(chart.x, layout.x, layout.left, layout.right);
  const AxisMap y = data_map(chart.y, layout.y, layout.bottom, layout.top);
  const BandMarkup bands = with_data ? bands_markup(chart, layout, x) : BandMarkup{};
  std::string frame = svg::title(chart.title, chart.width) + bands.spans;
  frame += with_data
               ? ticks_markup(layout, x, y)
               : svg::no_data((layout.left + layout.right) / 2, (layout.top + layout.bottom) / 2);
  frame += axes_markup(chart, layout);
  std::string lines;
  for (size_t i = 0; i < chart.series.size(); ++i)
    lines += svg::series_markup(chart.series[i], colour_of(chart.series, i), x, y);
  const std::string over = bands.labels + legend_markup(chart.series, layout);
  return svg::open(chart.width, chart.height, chart.title) + clipped(frame, lines, over, layout) +
         over + std::string(svg::kClose);
}

}  // namespace kiln::tools::report
