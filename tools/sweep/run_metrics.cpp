#include "tools/sweep/run_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"

namespace kiln::tools::sweep {

namespace {

// kiln's metrics.csv has no quoted fields: a comma always separates.
std::vector<std::string> split_row(const std::string& line) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

double number_in(const std::string& cell) {
  if (cell.empty()) return std::nan("");
  char* end = nullptr;
  const double value = std::strtod(cell.c_str(), &end);
  return end == cell.c_str() ? std::nan("") : value;
}

}  // namespace

RunMetrics RunMetrics::read(const std::filesystem::path& file) {
  RunMetrics metrics;
  metrics.file_ = file;
  if (!std::filesystem::exists(file)) return metrics;
  std::istringstream in(read_file(file.string()));
  std::string line;
  if (!std::getline(in, line)) return metrics;
  metrics.columns_ = split_row(line);
  KILN_CHECK(metrics.has_column("epoch"), "'", file.string(), "' has no epoch column");
  const auto epoch_at =
      static_cast<size_t>(std::find(metrics.columns_.begin(), metrics.columns_.end(), "epoch") -
                          metrics.columns_.begin());
  while (std::getline(in, line)) {
    std::vector<std::string> cells = split_row(line);
    // A row cut short (the process killed while writing it) is not a result.
    if (cells.size() != metrics.columns_.size()) continue;
    const auto epoch = static_cast<int64_t>(number_in(cells[epoch_at]));
    metrics.rows_[epoch] = std::move(cells);
  }
  return metrics;
}

int64_t RunMetrics::epochs() const {
  return rows_.empty() ? 0 : rows_.rbegin()->first;
}

bool RunMetrics::has_column(const std::string& column) const {
  return std::find(columns_.begin(), columns_.end(), column) != columns_.end();
}

double RunMetrics::value_at(const std::string& column, int64_t epoch) const {
  const auto index_of = [&](const std::string& name) {
    return static_cast<size_t>(std::find(columns_.begin(), columns_.end(), name) -
                               columns_.begin());
  };
  KILN_CHECK(has_column(column), "'", file_.string(), "' has no column '", column, "'");
  KILN_CHECK(rows_.contains(epoch), "'", file_.string(), "' has no row for epoch ", epoch);
  int64_t kept = epoch;
  if (has_column("improved")) {
    const size_t improved = index_of("improved");
    for (auto row = rows_.begin(); row != rows_.end() && row->first <= epoch; ++row)
      if (row->second[improved] == "1") kept = row->first;
  }
  return number_in(rows_.at(kept)[index_of(column)]);
}

}  // namespace kiln::tools::sweep
