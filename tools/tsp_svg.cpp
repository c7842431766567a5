#include "tools/tsp_svg.h"

#include <cstdio>
#include <sstream>

#include "tensor/error.h"
#include "tools/report/markup.h"

namespace kiln::tools {

namespace {

constexpr double kPanel = 240;  // a panel's width and height, px
constexpr double kMargin = 16;  // around the unit square inside a panel
constexpr double kTitle = 22;   // the title band above the square
// Okabe and Ito's colour-blind-safe palette: blue for the model, vermillion for a baseline.
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7"};

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

// The unit square's point (x, y) in the panel at (left, top); y grows upwards as in a plot.
std::pair<double, double> place(double x, double y, double left, double top) {
  const double side = kPanel - 2 * kMargin;
  return {left + kMargin + x * side, top + kTitle + kMargin + (1 - y) * side};
}

void draw_panel(std::ostringstream& svg, const std::vector<double>& xy,
                const std::vector<int64_t>& tour, const std::string& title, const char* colour,
                double left, double top) {
  const double side = kPanel - 2 * kMargin;
  svg << "<text x=\"" << number(left + kPanel / 2) << "\" y=\"" << number(top + 16)
      << "\" text-anchor=\"middle\">" << report::escaped(title) << "</text>\n";
  svg << "<rect x=\"" << number(left + kMargin) << "\" y=\"" << number(top + kTitle + kMargin)
      << "\" width=\"" << number(side) << "\" height=\"" << number(side)
      << "\" fill=\"none\" stroke=\"#bbb\"/>\n";
  svg << "<polygon fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.5\" points=\"";
  for (const int64_t node : tour) {
    const auto [x, y] = place(xy[2 * node], xy[2 * node + 1], left, top);
    svg << number(x) << "," << number(y) << " ";
  }
  svg << "\"/>\n";
  for (size_t node = 0; node < xy.size() / 2; ++node) {
    const auto [x, y] = place(xy[2 * node], xy[2 * node + 1], left, top);
    svg << "<circle cx=\"" << number(x) << "\" cy=\"" << number(y) << "\" r=\"2.5\"/>\n";
  }
}

}  // namespace

std::string tours_svg(const Tensor& instances, const std::vector<TourSet>& sets) {
  KILN_CHECK(instances.dim() == 3 && instances.size(2) == 2 && !sets.empty(),
             "tours_svg: expected instances [K, n, 2] and at least one tour set, got ",
             instances.shape(), " and ", sets.size());
  const int64_t count = instances.size(0), n = instances.size(1);
  for (const TourSet& set : sets)
    KILN_CHECK(set.tours.shape() == Shape({count, n}) && set.lengths.numel() == count,
               "tours_svg: the tours of '", set.name, "' are ", set.tours.shape(), ", not [", count,
               ", ", n, "]");
  const double width = kPanel * static_cast<double>(sets.size());
  const double height = (kPanel + kTitle) * static_cast<double>(count);
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << number(width) << "\" height=\""
      << number(height) << "\" viewBox=\"0 0 " << number(width) << " " << number(height)
      << "\" font-family=\"sans-serif\" font-size=\"13\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  const std::vector<double> xy = instances.to(kFloat64).contiguous().to_vector<double>();
  for (int64_t k = 0; k < count; ++k) {
    const std::vector<double> points(xy.begin() + k * n * 2, xy.begin() + (k + 1) * n * 2);
    for (size_t s = 0; s < sets.size(); ++s) {
      const std::vector<int64_t> tour = sets[s].tours.select(0, k).to_vector<int64_t>();
      char title[160];
      std::snprintf(title, sizeof title, "%s: %.4f", sets[s].name.c_str(),
                    sets[s].lengths.to(kFloat64).select(0, k).item<double>());
      draw_panel(svg, points, tour, title, kColours[s % 4], kPanel * static_cast<double>(s),
                 (kPanel + kTitle) * static_cast<double>(k));
    }
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace kiln::tools
