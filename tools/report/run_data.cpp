#include "tools/report/run_data.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "models/tasks/csv_table.h"
#include "tensor/error.h"
#include "tools/forecast_training_run.h"
#include "tools/run_directory.h"
#include "tools/run_record.h"

namespace kiln::tools::report {

namespace {

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  KILN_CHECK(in.good(), "cannot read '", file.string(), "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

double cell_number(std::string_view cell) {
  double value = std::nan("");
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return error == std::errc() && end == cell.data() + cell.size() ? value : std::nan("");
}

nlohmann::json json_file_or_null(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return nullptr;
  try {
    return nlohmann::json::parse(file_text(file));
  } catch (const nlohmann::json::exception& error) {
    throw Error(detail::concat("'", file.string(), "' is not valid JSON: ", error.what()));
  }
}

// Runs written before run.json existed: the metrics' columns say which task trained.
std::string guessed_kind(const Columns& metrics) {
  if (metrics.find("validation_mse")) return "forecast";
  if (metrics.find("validation_length")) return "tsp";
  return "sequence";
}

}  // namespace

const std::vector<double>* Columns::find(const std::string& name) const {
  for (size_t c = 0; c < names.size(); ++c)
    if (names[c] == name) return &values[c];
  return nullptr;
}

Columns read_numeric_csv(const std::filesystem::path& file) {
  const std::string text = file_text(file);
  models::CsvReader reader(text, file.string());
  Columns table{.names = reader.header(), .values = {}};
  table.values.resize(table.names.size());
  while (reader.next_row())
    for (int64_t c = 0; c < reader.columns(); ++c)
      table.values[static_cast<size_t>(c)].push_back(cell_number(reader.cell(c)));
  return table;
}

Columns keep_last_of_each(const Columns& table, const std::string& key) {
  const std::vector<double>* keys = table.find(key);
  if (!keys) return table;
  std::map<double, size_t> last_row;
  for (size_t row = 0; row < keys->size(); ++row) last_row[(*keys)[row]] = row;
  Columns kept{.names = table.names,
               .values = std::vector<std::vector<double>>(table.names.size())};
  for (const auto& [value, row] : last_row)
    for (size_t c = 0; c < table.names.size(); ++c) kept.values[c].push_back(table.values[c][row]);
  return kept;
}

bool is_run_directory(const std::filesystem::path& directory) {
  return std::filesystem::is_regular_file(directory / kMetricsFile);
}

RunData read_run(const std::filesystem::path& directory) {
  KILN_CHECK(is_run_directory(directory), "'", directory.string(),
             "' is not a kiln run directory (no ", kMetricsFile, ")");
  RunData run{.directory = directory,
              .name = std::filesystem::weakly_canonical(directory).filename().string()};
  run.metrics = keep_last_of_each(read_numeric_csv(directory / kMetricsFile), "epoch");
  if (std::filesystem::exists(directory / kStepsFile))
    run.steps = keep_last_of_each(read_numeric_csv(directory / kStepsFile), "step");
  run.record = read_run_record(directory);
  run.results = json_file_or_null(directory / kResultsFile);
  run.examples = read_run_examples(directory);
  run.kind =
      run.record.is_object() ? run.record["kind"].get<std::string>() : guessed_kind(run.metrics);
  return run;
}

const nlohmann::json& run_config(const RunData& run) {
  static const nlohmann::json none = nlohmann::json::object();
  if (run.record.is_object() && run.record.contains("config") && run.record["config"].is_object())
    return run.record["config"];
  if (run.results.is_object() && run.results.contains("settings") &&
      run.results["settings"].is_object())
    return run.results["settings"];
  return none;
}

}  // namespace kiln::tools::report
