// Where a TimeSeriesTable comes from: a CSV file, or the generated default series.
#include <cmath>
#include <filesystem>
#include <numbers>

#include "models/tasks/csv_table.h"
#include "models/tasks/forecast_data.h"
#include "models/tasks/timestamps.h"
#include "tensor/error.h"
#include "tensor/io/atomic_file.h"

namespace kiln::models {

TimeSeriesTable read_time_series_csv(const std::string& path) {
  // An ifstream opens a directory and reads it as empty; say what it is instead.
  std::error_code ignored;
  KILN_CHECK(!std::filesystem::is_directory(path, ignored), "read_time_series_csv: '", path,
             "' is a directory, not a CSV file");
  return parse_time_series_csv(read_file(path), path);
}

TimeSeriesTable parse_time_series_csv(std::string_view text, const std::string& source) {
  CsvReader csv(text, source);
  if (csv.columns() < 2) csv.fail(0, "a timestamp column and at least one value column are needed");
  TimeSeriesTable table;
  table.source = source;
  table.columns.assign(csv.header().begin() + 1, csv.header().end());
  while (csv.next_row()) {
    const TimestampParse stamp = parse_timestamp(csv.cell(0));
    if (!stamp.problem.empty()) csv.fail(0, detail::concat("'", csv.cell(0), "' ", stamp.problem));
    table.timestamps.push_back(stamp.time);
    for (int64_t column = 1; column < csv.columns(); ++column)
      table.values.push_back(csv.number(column));
  }
  KILN_CHECK(table.rows() > 0, "CSV ", source, ": no data rows after the header");
  return table;
}

// Channel c at hour t, with u_c0 .. u_c5 uniform in [0, 1) and e normal, all from `seed`:
//   10 u_c0 + 2 (u_c1 - 0.5) t / 1000                         level and trend
//   + (1 + 2 u_c2) sin(2 pi (t / 24 + u_c3))                   daily season
//   + (0.5 + u_c4) sin(2 pi (t / 168 + u_c5)) + 0.3 e_{t,c}   weekly season and noise
// The parameters are one draw of [channels, 6] (kiln::rand, float64), the noise one draw of
// [rows, channels] (kiln::randn, float64), in that order.
TimeSeriesTable generated_time_series(int64_t rows, int64_t channels, uint64_t seed) {
  KILN_CHECK(rows >= 1 && channels >= 1,
             "generated_time_series: needs at least one row and one channel, got ", rows, " and ",
             channels);
  Generator generator(seed);
  const std::vector<double> u =
      rand({channels, 6}, {.dtype = kFloat64}, &generator).to_vector<double>();
  const std::vector<double> noise =
      randn({rows, channels}, {.dtype = kFloat64}, &generator).to_vector<double>();
  TimeSeriesTable table;
  table.source = detail::concat("generated(seed=", seed, ")");
  for (int64_t c = 0; c + 1 < channels; ++c) table.columns.push_back(detail::concat("series", c));
  table.columns.push_back("OT");
  const std::chrono::sys_seconds start{std::chrono::sys_days{std::chrono::year{2016} / 7 / 1}};
  constexpr double kTwoPi = 2 * std::numbers::pi;
  table.values.reserve(static_cast<size_t>(rows * channels));
  for (int64_t t = 0; t < rows; ++t) {
    table.timestamps.push_back(start + std::chrono::hours(t));
    for (int64_t c = 0; c < channels; ++c) {
      const double* p = &u[static_cast<size_t>(c * 6)];
      const auto hour = static_cast<double>(t);
      table.values.push_back(10 * p[0] + 2 * (p[1] - 0.5) * hour / 1000 +
                             (1 + 2 * p[2]) * std::sin(kTwoPi * (hour / 24 + p[3])) +
                             (0.5 + p[4]) * std::sin(kTwoPi * (hour / 168 + p[5])) +
                             0.3 * noise[static_cast<size_t>(t * channels + c)]);
    }
  }
  return table;
}

}  // namespace kiln::models
