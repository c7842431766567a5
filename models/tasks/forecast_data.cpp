// The benchmark protocol on a table: Time-Series-Library's Dataset_ETT_hour,
// Dataset_ETT_minute and Dataset_Custom (data_provider/data_loader.py), arithmetic included.
#include "models/tasks/forecast_data.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <iterator>

#include "tensor/error.h"

namespace kiln::models {

namespace {

constexpr std::array<const char*, 3> kSplitNames = {"train", "validation", "test"};

// Rows [begin[s], end[s]) of split s (train, validation, test): the reference's border1s and
// border2s.
struct Borders {
  std::array<int64_t, 3> begin, end;
};

Borders borders_for(SplitRule rule, int64_t rows, int64_t lookback) {
  if (rule == SplitRule::Ratio) {
    // int(len(df_raw) * 0.7): a double product truncated, in Python as here.
    const auto train = static_cast<int64_t>(static_cast<double>(rows) * 0.7);
    const auto test = static_cast<int64_t>(static_cast<double>(rows) * 0.2);
    const int64_t validation = rows - train - test;
    return {{0, train - lookback, rows - test - lookback}, {train, train + validation, rows}};
  }
  // ETT: 12 months of 30 days to train, 4 to validate, 4 to test; 4 steps an hour for ETTm.
  const int64_t month = (rule == SplitRule::EttMinute ? 4 : 1) * 30 * 24;
  return {{0, 12 * month - lookback, 16 * month - lookback}, {12 * month, 16 * month, 20 * month}};
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text.append(text.empty() ? "" : ", ").append(name);
  return text;
}

// The table columns the model sees, in its order.
std::vector<int64_t> model_columns(const TimeSeriesTable& table,
                                   const ForecastDataOptions& options) {
  const auto found = std::find(table.columns.begin(), table.columns.end(), options.target);
  KILN_CHECK(found != table.columns.end(), "make_forecast_dataset: ", table.source,
             " has no column '", options.target, "' for the target; its columns are ",
             joined(table.columns));
  const auto target = static_cast<int64_t>(found - table.columns.begin());
  if (options.features == FeatureMode::S) return {target};
  // Dataset_Custom moves the target last; the ETT loaders keep the file's order.
  const bool target_moves_last = options.split == SplitRule::Ratio;
  std::vector<int64_t> columns;
  for (int64_t column = 0; column < table.channels(); ++column)
    if (!(target_moves_last && column == target)) columns.push_back(column);
  if (target_moves_last) columns.push_back(target);
  KILN_CHECK(options.features != FeatureMode::MS || columns.back() == target,
             "make_forecast_dataset: ", table.source, ": with MS the target '", options.target,
             "' must be the last column, since an ETT split keeps the file's column order");
  return columns;
}

// Column `column` of the model's channels, all rows.
std::vector<double> column_values(const TimeSeriesTable& table, int64_t column) {
  std::vector<double> values(static_cast<size_t>(table.rows()));
  for (int64_t row = 0; row < table.rows(); ++row)
    values[static_cast<size_t>(row)] =
        table.values[static_cast<size_t>(row * table.channels() + column)];
  return values;
}

// sklearn's StandardScaler.fit on rows [0, train_rows) (_incremental_mean_and_var from a
// fresh scaler): mean = sum / n, var = (sum (x - mean)^2 - (sum (x - mean))^2 / n) / n, the
// second term a rounding correction; a zero std becomes 1 (_handle_zeros_in_scale).
std::pair<double, double> fit_scaler(const std::vector<double>& values, int64_t train_rows) {
  const auto n = static_cast<double>(train_rows);
  double sum = 0;
  for (int64_t row = 0; row < train_rows; ++row) sum += values[static_cast<size_t>(row)];
  const double mean = sum / n;
  double deviation = 0, squares = 0;
  for (int64_t row = 0; row < train_rows; ++row) {
    const double centred = values[static_cast<size_t>(row)] - mean;
    deviation += centred;
    squares += centred * centred;
  }
  const double deviation_of_mean = std::sqrt((squares - deviation * deviation / n) / n);
  return {mean, deviation_of_mean == 0 ? 1.0 : deviation_of_mean};
}

// Rows [begin, end) of a row-major [rows, width] array.
std::vector<double> row_range(const std::vector<double>& values, int64_t width, int64_t begin,
                              int64_t end) {
  return {values.begin() + begin * width, values.begin() + end * width};
}

void check_window_fits(const TimeSeriesTable& table, const ForecastDataOptions& options,
                       const Borders& borders, size_t split) {
  const int64_t begin = borders.begin[split], end = borders.end[split];
  const int64_t needed = options.lookback + options.horizon;
  KILN_CHECK(begin >= 0 && end - begin >= needed, "make_forecast_dataset: ", table.source, " (",
             table.rows(), " rows): the ", kSplitNames[split], " split holds rows [", begin, ", ",
             end, "), too few for one window of lookback + horizon = ", needed, " rows");
}

}  // namespace

FeatureMode parse_feature_mode(const std::string& text) {
  if (text == "M") return FeatureMode::M;
  if (text == "S") return FeatureMode::S;
  if (text == "MS") return FeatureMode::MS;
  throw Error(
      detail::concat("parse_feature_mode: '", text, "' is not a feature mode (M, S or MS)"));
}

const char* feature_mode_name(FeatureMode mode) {
  switch (mode) {
    case FeatureMode::M:
      return "M";
    case FeatureMode::S:
      return "S";
    case FeatureMode::MS:
      return "MS";
  }
  return "?";
}

SplitRule split_rule_for(const std::string& source) {
  const std::string name = std::filesystem::path(source).filename().string();
  if (!name.ends_with(".csv")) return SplitRule::Ratio;
  if (name.starts_with("ETTh")) return SplitRule::EttHour;
  if (name.starts_with("ETTm")) return SplitRule::EttMinute;
  return SplitRule::Ratio;
}

ForecastDataset make_forecast_dataset(const TimeSeriesTable& table,
                                      const ForecastDataOptions& options) {
  KILN_CHECK(table.channels() >= 1 &&
                 table.values.size() == static_cast<size_t>(table.rows() * table.channels()),
             "make_forecast_dataset: ", table.source, ": ", table.values.size(),
             " values do not fill ", table.rows(), " rows of ", table.channels(), " channels");
  KILN_CHECK(options.lookback >= 1 && options.horizon >= 1, "make_forecast_dataset: ", table.source,
             ": lookback and horizon must be at least 1, got ", options.lookback, " and ",
             options.horizon);
  Borders borders = borders_for(options.split, table.rows(), options.lookback);
  for (int64_t& end : borders.end) end = std::min(end, table.rows());  // as a slice clips
  for (size_t split = 0; split < kSplitNames.size(); ++split)
    check_window_fits(table, options, borders, split);

  const std::vector<int64_t> columns = model_columns(table, options);
  const auto channels = static_cast<int64_t>(columns.size());
  std::vector<std::string> names;
  std::vector<double> means, stds, standardised(static_cast<size_t>(table.rows() * channels));
  for (int64_t c = 0; c < channels; ++c) {
    const std::vector<double> values = column_values(table, columns[static_cast<size_t>(c)]);
    const auto [column_mean, column_std] = fit_scaler(values, borders.end[0]);
    for (int64_t row = 0; row < table.rows(); ++row)
      standardised[static_cast<size_t>(row * channels + c)] =
          (values[static_cast<size_t>(row)] - column_mean) / column_std;
    names.push_back(table.columns[static_cast<size_t>(columns[static_cast<size_t>(c)])]);
    means.push_back(column_mean);
    stds.push_back(column_std);
  }

  const std::vector<double> marks = calendar_features(table.timestamps, options.calendar);
  const int64_t features = calendar_feature_count(options.calendar);
  auto split = [&](size_t s) {
    return ForecastSplit(row_range(standardised, channels, borders.begin[s], borders.end[s]),
                         row_range(marks, features, borders.begin[s], borders.end[s]), channels,
                         features, options);
  };
  return ForecastDataset{.options = options,
                         .channels = std::move(names),
                         .mean = std::move(means),
                         .std = std::move(stds),
                         .train = split(0),
                         .validation = split(1),
                         .test = split(2)};
}

ForecastSplit::ForecastSplit(std::vector<double> rows, std::vector<double> marks, int64_t channels,
                             int64_t mark_features, const ForecastDataOptions& options)
    : rows_(std::move(rows)),
      marks_(std::move(marks)),
      channels_(channels),
      mark_features_(mark_features),
      options_(options) {
  KILN_CHECK(
      channels_ >= 1 && mark_features_ >= 0 && rows_.size() % static_cast<size_t>(channels_) == 0,
      "ForecastSplit: ", rows_.size(), " values are not rows of ", channels_, " channels");
  const int64_t steps = static_cast<int64_t>(rows_.size()) / channels_;
  KILN_CHECK(marks_.size() == static_cast<size_t>(steps * mark_features_),
             "ForecastSplit: ", marks_.size(), " calendar values for ", steps, " rows of ",
             mark_features_, " features");
  KILN_CHECK(windows() >= 1, "ForecastSplit: ", steps, " rows hold no window of lookback ",
             options_.lookback, " + horizon ", options_.horizon);
}

int64_t ForecastSplit::windows() const {
  return static_cast<int64_t>(rows_.size()) / channels_ - options_.lookback - options_.horizon + 1;
}

namespace {

// Appends rows [first, first + count) of a row-major array `width` wide, as float32: the
// reference scales in float64 and the training loop casts each batch with .float().
void append_rows(const std::vector<double>& values, int64_t width, int64_t first, int64_t count,
                 std::vector<float>& out) {
  const auto begin = values.begin() + first * width;
  std::transform(begin, begin + count * width, std::back_inserter(out),
                 [](double value) { return static_cast<float>(value); });
}

}  // namespace

ForecastBatch ForecastSplit::batch(const std::vector<int64_t>& indices) const {
  KILN_CHECK(!indices.empty(), "ForecastSplit::batch: no window indices");
  const int64_t lookback = options_.lookback, horizon = options_.horizon;
  std::vector<float> x, y, x_mark, y_mark;
  for (const int64_t index : indices) {
    KILN_CHECK(index >= 0 && index < windows(), "ForecastSplit::batch: window ", index,
               " is outside 0 .. ", windows() - 1);
    append_rows(rows_, channels_, index, lookback, x);
    append_rows(rows_, channels_, index + lookback, horizon, y);
    append_rows(marks_, mark_features_, index, lookback, x_mark);
    append_rows(marks_, mark_features_, index + lookback, horizon, y_mark);
  }
  const auto batch = static_cast<int64_t>(indices.size());
  return {.x = from_vector(x, {batch, lookback, channels_}),
          .y = from_vector(y, {batch, horizon, channels_}),
          .x_mark = from_vector(x_mark, {batch, lookback, mark_features_}),
          .y_mark = from_vector(y_mark, {batch, horizon, mark_features_})};
}

}  // namespace kiln::models
