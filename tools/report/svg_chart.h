#pragma once

// Charts drawn as self-contained SVG for kiln's reports: line charts (training curves,
// forecasts against the truth), scatter plots and parallel coordinates (a sweep's parameters
// against its metric). What plotting libraries do well, kept: labelled axes, "nice" ticks
// (1, 2, 5 x 10^k), a log scale where the data spans decades, Okabe and Ito's colour-blind-safe
// palette, a legend outside the data, no chart junk. Every function is pure: the same input
// gives the same bytes, so tests compare text.
#include <optional>
#include <string>
#include <vector>

namespace kiln::tools::report {

enum class Scale { Linear, Log };

// Tick positions on one axis with their labels, and the axis range they cover (the data's
// range widened to the outer ticks).
struct Ticks {
  std::vector<double> values{};
  std::vector<std::string> labels{};
  double low = 0, high = 1;
};

// About `target` ticks at 1, 2 or 5 x 10^k between `low` and `high` (an empty or one-value
// range is widened around the value). Labels drop trailing zeros and switch to exponents
// ("1e-05") for very small or large magnitudes.
// `smallest_step` 1 keeps ticks on whole numbers (epochs, steps).
Ticks linear_ticks(double low, double high, int target = 5, double smallest_step = 0);
// Ticks at powers of ten covering [low, high] (both > 0), with 2 and 5 added when the range
// spans fewer than three decades.
Ticks log_ticks(double low, double high);

// Log when every finite value is positive and the largest is at least 100 times the
// smallest (a loss falling over two decades); linear otherwise.
Scale suggested_scale(const std::vector<double>& values);

// TensorBoard's debiased exponential moving average: s_t = w s_{t-1} + (1 - w) y_t, divided by
// 1 - w^t so the start is not pulled to zero; NaN and Inf are skipped (left as they are).
std::vector<double> smoothed(const std::vector<double>& values, double weight);

// Okabe and Ito (2008), "Color Universal Design": eight colours distinguishable under the
// common colour-vision deficiencies. Index i wraps.
const std::string& palette_colour(size_t index);

struct Axis {
  std::string label{};  // with its unit: "step", "loss", "time (s)"
  Scale scale = Scale::Linear;
  std::optional<double> low{}, high{};  // fixed limits; otherwise from the data
  bool whole_numbers = false;           // ticks only at integers: epochs, steps
};

struct Series {
  std::string name{};  // legend entry; empty: not in the legend
  std::vector<double> x{}, y{};
  std::optional<size_t> colour{};  // palette index; default: the series' position
  bool faint = false;              // thin and translucent (raw points under a smoothed curve)
  bool dashed = false;
  bool markers = false;  // a dot at every point (few points, or a scatter)
  bool line = true;      // false: markers only
};

// A shaded span of x, e.g. a forecast's look-back window.
struct Band {
  double low = 0, high = 0;
  std::string label{};
};

struct LineChart {
  std::string title{};
  Axis x{}, y{};
  std::vector<Series> series{};
  std::vector<Band> bands{};
  int width = 560, height = 320;  // px, the whole figure with its axes and legend
};

// The chart as an <svg> element. Non-finite points break a line into pieces (and are left out
// of a log axis when not positive); a series with no finite point is listed in the legend
// only; a chart with no data at all says "no data" in its frame.
std::string line_chart_svg(const LineChart& chart);

// One line per item across parallel vertical axes, one axis per dimension, each with its own
// range (log where `log_scale`), coloured by the last dimension (the metric) on a sequential
// scale; categorical dimensions are spaced evenly by their labels.
struct ParallelDimension {
  std::string name{};
  std::vector<double> values{};           // one per item; NaN: missing
  std::vector<std::string> categories{};  // non-empty: values index these labels
  bool log_scale = false;
};

struct ParallelCoordinates {
  std::string title{};
  std::vector<ParallelDimension> dimensions{};  // the last one is the metric
  bool lower_is_better = true;                  // the best items are drawn darkest and on top
  int width = 720, height = 340;
};

std::string parallel_coordinates_svg(const ParallelCoordinates& chart);

}  // namespace kiln::tools::report
