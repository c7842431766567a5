#include "tools/report/line_series.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "tools/report/markup.h"

namespace kiln::tools::report::svg {

namespace {

constexpr double kLineWidth = 1.8, kFaintLineWidth = 1.1, kFaintOpacity = 0.3;
constexpr double kMarkerRadius = 2.5, kScatterRadius = 3;

// The pieces of a series' line between its undrawable points, in px.
std::vector<std::vector<Point>> pieces_of(const Series& series, const AxisMap& x,
                                          const AxisMap& y) {
  std::vector<std::vector<Point>> pieces(1);
  for (size_t i = 0; i < series.x.size(); ++i) {
    if (drawable(series.x[i], x.scale) && drawable(series.y[i], y.scale))
      pieces.back().push_back({x(series.x[i]), y(series.y[i])});
    else if (!pieces.back().empty())
      pieces.emplace_back();
  }
  if (pieces.back().empty()) pieces.pop_back();
  return pieces;
}

// At most four points per pixel column, the first, lowest, highest and last in their order: the
// line looks the same with far fewer points (Jugel et al. 2014, "M4: A Visualization-Oriented
// Time Series Data Aggregation").
std::vector<Point> thinned(const std::vector<Point>& piece) {
  std::vector<Point> kept;
  for (size_t start = 0, end = 0; start < piece.size(); start = end) {
    size_t lowest = start, highest = start;
    const double column = std::floor(piece[start].x);
    for (end = start; end < piece.size() && std::floor(piece[end].x) == column; ++end) {
      if (piece[end].y < piece[lowest].y) lowest = end;
      if (piece[end].y > piece[highest].y) highest = end;
    }
    std::array<size_t, 4> chosen = {start, lowest, highest, end - 1};
    std::sort(chosen.begin(), chosen.end());
    for (size_t i = 0; i < chosen.size(); ++i)
      if (i == 0 || chosen[i] != chosen[i - 1]) kept.push_back(piece[chosen[i]]);
  }
  return kept;
}

std::string point_text(const Point& point) {
  return coordinate(point.x) + "," + coordinate(point.y);
}

// "M x,y L x,y x,y ..." for every piece of two points or more.
std::string path_data(const std::vector<std::vector<Point>>& pieces) {
  std::string data;
  for (const std::vector<Point>& piece : pieces) {
    if (piece.size() < 2) continue;
    const std::vector<Point> points = thinned(piece);
    data += data.empty() ? "M" : " M";
    for (size_t i = 0; i < points.size(); ++i) {
      data += i == 1 ? " L" : i > 1 ? " " : "";
      data += point_text(points[i]);
    }
  }
  return data;
}

std::string stroke_style(const Series& series, const std::string& colour) {
  std::string style = " stroke=\"" + colour + "\" stroke-width=\"" +
                      coordinate(series.faint ? kFaintLineWidth : kLineWidth) + "\"";
  if (series.faint) style += " stroke-opacity=\"" + coordinate(kFaintOpacity) + "\"";
  if (series.dashed) style += " stroke-dasharray=\"6 3\"";
  return style;
}

std::string fill_style(const Series& series, const std::string& colour) {
  std::string style = " fill=\"" + colour + "\"";
  if (series.faint) style += " fill-opacity=\"" + coordinate(kFaintOpacity) + "\"";
  return style;
}

std::string circle(const Point& at, double radius) {
  return "<circle cx=\"" + coordinate(at.x) + "\" cy=\"" + coordinate(at.y) + "\" r=\"" +
         coordinate(radius) + "\"/>";
}

}  // namespace

// The series' line, and a dot at every point where it has markers, else at every point with
// no line through it (so a one-point series still shows).
std::string series_markup(const Series& series, const std::string& colour, const AxisMap& x,
                          const AxisMap& y) {
  const std::vector<std::vector<Point>> pieces = pieces_of(series, x, y);
  const std::string name = " data-series=\"" + escaped(series.name) + "\"";
  std::string out, dots;
  const std::string data = series.line ? path_data(pieces) : "";
  if (!data.empty())
    out += "<path class=\"series\"" + name + " d=\"" + data + "\" fill=\"none\"" +
           stroke_style(series, colour) + " stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n";
  const double radius = series.line ? kMarkerRadius : kScatterRadius;
  for (const std::vector<Point>& piece : pieces)
    if (series.markers || (series.line && piece.size() == 1))
      for (const Point& point : piece) dots += circle(point, radius);
  if (!dots.empty())
    out += "<g class=\"markers\"" + name + fill_style(series, colour) + ">" + dots + "</g>\n";
  return out;
}

// A named series' line sample (with a dot where it has markers) and its name.
std::string legend_entry(const Series& series, const std::string& colour, double x, double y,
                         double text_width) {
  const std::string shown = fitted(series.name, text_width, kTickFont);
  std::string out = "<g class=\"legend-entry\" data-series=\"" + escaped(series.name) + "\">";
  if (shown != series.name) out += "<title>" + escaped(series.name) + "</title>";
  if (series.line)
    out += "<line x1=\"" + coordinate(x) + "\" y1=\"" + coordinate(y) + "\" x2=\"" +
           coordinate(x + kSwatch) + "\" y2=\"" + coordinate(y) + "\"" +
           stroke_style(series, colour) + "/>";
  if (series.markers || !series.line)
    out += "<circle cx=\"" + coordinate(x + kSwatch / 2) + "\" cy=\"" + coordinate(y) + "\" r=\"" +
           coordinate(kScatterRadius) + "\"" + fill_style(series, colour) + "/>";
  return out + text(x + kSwatch + 6, y, shown, "dy=\"0.32em\"") + "</g>\n";
}

}  // namespace kiln::tools::report::svg
