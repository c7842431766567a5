#pragma once

// A run directory read back for a report: run.json, metrics.csv (one row per epoch),
// steps.csv (one row per step), examples.json and a forecasting run's results.json. Every
// file but metrics.csv is optional, so runs from older kiln versions still report.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/run_examples.h"

namespace kiln::tools::report {

// A numeric CSV by column; an empty or non-numeric cell reads as NaN.
struct Columns {
  std::vector<std::string> names{};
  std::vector<std::vector<double>> values{};  // values[c][row]

  size_t rows() const { return values.empty() ? 0 : values.front().size(); }
  // The column, or nullptr when there is none by that name.
  const std::vector<double>* find(const std::string& name) const;
};

Columns read_numeric_csv(const std::filesystem::path& file);

// Rows whose `key` column repeats an earlier row's key are dropped, keeping the later row
// (a run resumed after a crash between the metrics append and its checkpoint logs an epoch
// twice).
Columns keep_last_of_each(const Columns& table, const std::string& key);

struct RunData {
  std::filesystem::path directory{};
  std::string name{};       // the directory's name ("parent/name" where names repeat on a page)
  std::string kind{};       // "sequence", "tsp", "forecast" (from run.json, else guessed)
  nlohmann::json record{};  // run.json, or null
  nlohmann::json results{};  // results.json (forecasting), or null
  Columns metrics{}, steps{};
  std::optional<RunExamples> examples{};
};

bool is_run_directory(const std::filesystem::path& directory);
RunData read_run(const std::filesystem::path& directory);

// The run's resolved configuration: run.json's "config", else results.json's "settings".
const nlohmann::json& run_config(const RunData& run);

}  // namespace kiln::tools::report
