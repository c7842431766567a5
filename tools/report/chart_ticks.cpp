// Axis ticks and scales for tools/report/svg_chart.h: "nice" steps of 1, 2 or 5 x 10^k, labels
// without float noise, powers of ten on a log axis.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "tools/report/svg_chart.h"

namespace kiln::tools::report {

namespace {

// A label reads better as "1e-05" or "2e+06" than in full past these magnitudes (matplotlib's
// default formatter switches near the same places); a log axis spells out fewer digits.
constexpr double kSmallestFixed = 1e-4, kLargestFixed = 1e6, kLargestFixedOnLog = 1e4;
// Values are kept within these magnitudes, so that 10^k stays a finite, normal double: on a
// log axis even once its ends are rounded out to a multiple of the stride between powers.
constexpr double kSmallestMagnitude = 1e-300, kLargestMagnitude = 1e300;
constexpr double kSmallestOnLog = 1e-200, kLargestOnLog = 1e200;
constexpr double kRounding = 1e-9;  // slack when a quotient should be a whole number

// The power of ten at or below `magnitude` (> 0): 0.05 -> -2, 100 -> 2.
int decade_of(double magnitude) {
  return static_cast<int>(std::floor(std::log10(magnitude) + kRounding));
}

// count x 10^decade as the double nearest the decimal (a division for negative decades, so
// 3 x 10^-1 is 0.3 and not 0.30000000000000004).
double scaled(double count, int decade) {
  return decade >= 0 ? count * std::pow(10.0, decade) : count / std::pow(10.0, -decade);
}

// "0.500" -> "0.5", "2.00e+06" -> "2e+06", "-0" -> "0".
std::string without_trailing_zeros(const std::string& number) {
  const size_t exponent = std::min(number.find('e'), number.size());
  std::string mantissa = number.substr(0, exponent);
  if (mantissa.find('.') != std::string::npos) {
    while (mantissa.back() == '0') mantissa.pop_back();
    if (mantissa.back() == '.') mantissa.pop_back();
  }
  if (mantissa == "-0") mantissa = "0";
  return mantissa + number.substr(exponent);
}

std::string fixed_label(double value, int decimals) {
  char text[400];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return without_trailing_zeros(text);
}

std::string exponent_label(double value, int decimals) {
  if (value == 0) return "0";
  char text[64];
  std::snprintf(text, sizeof text, "%.*e", decimals, value);
  return without_trailing_zeros(text);
}

// Multiples of 10^step_decade, all in one notation: fixed unless the largest is very small or
// very large, with as many digits as the step needs.
std::vector<std::string> linear_labels(const std::vector<double>& values, int step_decade) {
  double largest = 0;
  for (const double value : values) largest = std::max(largest, std::abs(value));
  const bool exponent = largest >= kLargestFixed || (largest > 0 && largest < kSmallestFixed);
  std::vector<std::string> labels;
  for (const double value : values)
    labels.push_back(exponent ? exponent_label(value, std::max(0, decade_of(largest) - step_decade))
                              : fixed_label(value, std::max(0, -step_decade)));
  return labels;
}

// One of 1, 2 or 5 x 10^decade, spelled in full or as "1e+04".
std::string log_label(double value) {
  const bool fixed = value >= kSmallestFixed && value < kLargestFixedOnLog;
  return fixed ? fixed_label(value, std::max(0, -decade_of(value))) : exponent_label(value, 0);
}

double bounded(double value) {
  const double magnitude = std::abs(value);
  if (magnitude < kSmallestMagnitude) return 0;
  return magnitude > kLargestMagnitude ? std::copysign(kLargestMagnitude, value) : value;
}

// The finite ends in order; no finite end gives [0, 1], a single value (or one too narrow to
// tell from it) is widened by a tenth of itself, zero to [-1, 1].
std::pair<double, double> linear_range(double low, double high) {
  if (!std::isfinite(low)) low = high;
  if (!std::isfinite(high)) high = low;
  if (!std::isfinite(low)) return {0, 1};
  low = bounded(low), high = bounded(high);
  if (low > high) std::swap(low, high);
  if (high - low > kRounding * std::max(std::abs(low), std::abs(high))) return {low, high};
  const double centre = low / 2 + high / 2;
  if (centre == 0) return {-1, 1};
  return {centre - std::abs(centre) / 10, centre + std::abs(centre) / 10};
}

// The positive, finite ends in order; none gives [1, 10].
std::pair<double, double> log_range(double low, double high) {
  const auto usable = [](double value) { return std::isfinite(value) && value > 0; };
  if (!usable(low)) low = high;
  if (!usable(high)) high = low;
  if (!usable(low)) return {1, 10};
  low = std::clamp(low, kSmallestOnLog, kLargestOnLog);
  high = std::clamp(high, kSmallestOnLog, kLargestOnLog);
  return {std::min(low, high), std::max(low, high)};
}

Ticks ticks_from(std::vector<double> values, std::vector<std::string> labels) {
  Ticks ticks{.values = std::move(values), .labels = std::move(labels)};
  ticks.low = ticks.values.front();
  ticks.high = ticks.values.back();
  return ticks;
}

// 1, 2 and 5 x 10^k for every decade in [first, last), then 10^last; the multiples outside
// [low, high] dropped but for the nearest on either side, unless fewer than three would remain.
std::vector<double> decades_with_twos_and_fives(int first, int last, double low, double high) {
  std::vector<double> all;
  for (int decade = first; decade < last; ++decade)
    for (const double mantissa : {1.0, 2.0, 5.0}) all.push_back(scaled(mantissa, decade));
  all.push_back(scaled(1, last));
  const double slack = 1 + kRounding;
  size_t begin = 0, end = all.size();
  while (begin + 1 < end && all[begin + 1] <= low * slack) ++begin;
  while (end - 1 > begin && all[end - 2] >= high / slack) --end;
  if (end - begin < 3) return all;
  return {all.begin() + static_cast<ptrdiff_t>(begin), all.begin() + static_cast<ptrdiff_t>(end)};
}

// Powers of ten from 10^first to 10^last, every `stride`-th power (a range over many decades
// would crowd its axis otherwise).
std::vector<double> powers_of_ten(int first, int last, int stride) {
  std::vector<double> values;
  for (int decade = first; decade <= last; decade += stride) values.push_back(scaled(1, decade));
  return values;
}

int rounded_down(int value, int multiple) {
  return static_cast<int>(std::floor(static_cast<double>(value) / multiple)) * multiple;
}

int rounded_up(int value, int multiple) {
  return -rounded_down(-value, multiple);
}

}  // namespace

Ticks linear_ticks(double low, double high, int target, double smallest_step) {
  const auto [first_value, last_value] = linear_range(low, high);
  // The finest step whose ticks, widened to cover the range, number at most target + 2.
  const int most = std::max(target, 2) + 2;
  for (int decade = decade_of((last_value - first_value) / most) - 1;; ++decade) {
    for (const int mantissa : {1, 2, 5}) {
      const double step = scaled(mantissa, decade);
      if (step < smallest_step) continue;
      const double first = std::floor(first_value / step + kRounding);
      const double last = std::ceil(last_value / step - kRounding);
      if (last - first + 1 > most) continue;
      std::vector<double> values;
      for (double index = first; index <= last; ++index)
        values.push_back(scaled(index * mantissa, decade));
      return ticks_from(values, linear_labels(values, decade));
    }
  }
}

Ticks log_ticks(double low, double high) {
  const auto [low_value, high_value] = log_range(low, high);
  int first = decade_of(low_value);
  int last = static_cast<int>(std::ceil(std::log10(high_value) - kRounding));
  if (first == last) {  // one power of ten: the decades on either side
    --first;
    ++last;
  }
  constexpr int kMostPowers = 8;
  const int stride = rounded_up(last - first, kMostPowers) / kMostPowers;
  first = rounded_down(first, stride);
  last = rounded_up(last, stride);
  const std::vector<double> values =
      last - first < 3 ? decades_with_twos_and_fives(first, last, low_value, high_value)
                       : powers_of_ten(first, last, stride);
  std::vector<std::string> labels;
  for (const double value : values) labels.push_back(log_label(value));
  return ticks_from(values, labels);
}

Scale suggested_scale(const std::vector<double>& values) {
  double smallest = INFINITY, largest = 0;
  for (const double value : values) {
    if (!std::isfinite(value)) continue;
    if (value <= 0) return Scale::Linear;
    smallest = std::min(smallest, value), largest = std::max(largest, value);
  }
  return largest >= 100 * smallest ? Scale::Log : Scale::Linear;
}

}  // namespace kiln::tools::report
