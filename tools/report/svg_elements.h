#pragma once

// The pieces kiln's charts are drawn from (tools/report/svg_chart.h): the root element, text,
// lines, the map from data to pixels, and ids derived from a chart's content. Several charts
// share one page and every chart is pure, so an id is a digest of what the chart draws, never
// a counter.
#include <string>
#include <string_view>
#include <vector>

#include "tools/report/svg_chart.h"

namespace kiln::tools::report::svg {

// A light style after matplotlib's and seaborn's: dark text, grey ticks, faint grid.
inline constexpr std::string_view kTextColour = "#222";
inline constexpr std::string_view kTickColour = "#555";
inline constexpr std::string_view kAxisColour = "#9a9a9a";
inline constexpr std::string_view kGridColour = "#e8e8e8";
inline constexpr double kTickFont = 11, kLabelFont = 12, kTitleFont = 14;  // px

// <svg> with class="chart", data-title, a <title> and a white background; close with kClose.
std::string open(int width, int height, std::string_view title);
inline constexpr std::string_view kClose = "</svg>\n";

// The chart's title at its top left, cut to its width; nothing for an empty title.
std::string title(std::string_view title, int chart_width);

// About how wide `text` is set in the charts' sans-serif font (0.6 em a character: there are
// no font metrics here, and erring wide keeps labels apart).
double text_width(std::string_view text, double font_px);
// The widest of `labels`, px.
double widest(const std::vector<std::string>& labels, double font_px);
// `text` cut to fit `width_px`, with an ellipsis where something was cut.
std::string fitted(std::string_view text, double width_px, double font_px);

// <text> at (x, y) holding the escaped `content`, with `attributes` added as they are.
std::string text(double x, double y, std::string_view content, std::string_view attributes = {});
// A one-pixel <line> in `colour`.
std::string line(double x1, double y1, double x2, double y2, std::string_view colour);
// The centred "no data" note of an empty chart.
std::string no_data(double centre_x, double centre_y);

// A value an axis of `scale` can place: finite, and positive on a log scale.
bool drawable(double value, Scale scale);

struct Point {
  double x, y;  // px
};

// Where a value lies on an axis drawn from pixel `from` (at `low`) to pixel `to` (at `high`),
// within a million px.
struct AxisMap {
  Scale scale = Scale::Linear;
  double low = 0, high = 1;
  double from = 0, to = 1;
  double operator()(double value) const;
};

// 16 hex digits of `content`'s 64-bit FNV-1a hash: ids that differ between different charts.
std::string digest(std::string_view content);

}  // namespace kiln::tools::report::svg
