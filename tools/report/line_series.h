#pragma once

// One series of a line chart (tools/report/svg_chart.h) as SVG: its line, broken at the points
// its axes cannot place and thinned to what the pixels show, its markers, and its legend entry.
// svg_chart.cpp lays the chart out around them.
#include <string>

#include "tools/report/svg_chart.h"
#include "tools/report/svg_elements.h"

namespace kiln::tools::report::svg {

inline constexpr double kSwatch = 22;  // px: a legend entry's line sample

// The series' <path class="series"> and its <g class="markers">, drawn in `colour`.
std::string series_markup(const Series& series, const std::string& colour, const AxisMap& x,
                          const AxisMap& y);

// A legend entry for the series, its line sample starting at (x, y), its name cut to
// `text_width` px.
std::string legend_entry(const Series& series, const std::string& colour, double x, double y,
                         double text_width);

}  // namespace kiln::tools::report::svg
