#include "tools/report/metric_columns.h"

#include <array>
#include <utility>

namespace kiln::tools::report {

namespace {

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr std::array<const char*, 3> kEvaluationPrefixes = {"validation_", "test_", "heldout_"};

// Metric names people write in capitals.
constexpr std::array<std::pair<const char*, const char*>, 4> kAcronyms = {
    {{"mse", "MSE"}, {"mae", "MAE"}, {"lr", "learning rate"}, {"per_second", "/ s"}}};

}  // namespace

Better better_direction(const std::string& column) {
  if (contains(column, "accuracy") || contains(column, "exact_match") ||
      ends_with(column, "_per_second"))
    return Better::Higher;
  for (const char* part : {"mse", "mae", "length", "loss", "cost", "error", "seconds"})
    if (contains(column, part)) return Better::Lower;
  return Better::Neither;
}

bool is_evaluation_metric(const std::string& column) {
  for (const char* prefix : kEvaluationPrefixes)
    if (column.rfind(prefix, 0) == 0) return true;
  return false;
}

std::string measure_of(const std::string& column) {
  for (const std::string prefix : kEvaluationPrefixes)
    if (column.rfind(prefix, 0) == 0) return column.substr(prefix.size());
  return column;
}

std::string column_label(const std::string& column) {
  std::string label;
  size_t start = 0;
  while (start <= column.size()) {
    size_t end = column.find('_', start);
    if (end == std::string::npos) end = column.size();
    std::string word = column.substr(start, end - start);
    if (word == "per" && column.compare(start, 10, "per_second") == 0) {
      word = "/ s";
      end = start + 10;
    }
    for (const auto& [name, written] : kAcronyms)
      if (word == name) word = written;
    label += (label.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return label;
}

std::string main_metric(const std::vector<std::string>& columns) {
  for (const char* metric : {"validation_mse", "validation_length", "heldout_exact_match"})
    for (const std::string& column : columns)
      if (column == metric) return column;
  return "";
}

std::string throughput_column(const std::vector<std::string>& columns) {
  for (const std::string& column : columns)
    if (ends_with(column, "_per_second")) return column;
  return "";
}

}  // namespace kiln::tools::report
