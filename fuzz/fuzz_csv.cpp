// The CSV reader (models/tasks/csv_table.h) and the time series read from it
// (models/tasks/forecast_data.h): every cell as a number, then the table split, scaled and
// windowed as kiln train forecast does; read or refused with a kiln::Error.
#include "fuzz/fuzz_input.h"
#include "models/tasks/csv_table.h"
#include "models/tasks/forecast_data.h"

namespace {

void read_every_cell(std::string_view text) {
  kiln::models::CsvReader csv(text, "fuzz");
  while (csv.next_row()) {
    for (int64_t column = 0; column < csv.columns(); ++column) {
      kiln::fuzz::read_or_refuse([&] { csv.number(column); });
    }
  }
}

void read_time_series(std::string_view text) {
  const kiln::models::TimeSeriesTable table = kiln::models::parse_time_series_csv(text, "fuzz");
  kiln::models::make_forecast_dataset(table, {.lookback = 2,
                                              .horizon = 1,
                                              .features = kiln::models::FeatureMode::MS,
                                              .target = table.columns.back()});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = kiln::fuzz::bytes_of(data, size);
  kiln::fuzz::read_or_refuse([&] { read_every_cell(text); });
  return kiln::fuzz::read_or_refuse([&] { read_time_series(text); });
}
