#pragma once

// What a metrics.csv column means to a report: whether lower or higher is better, how to name
// it on an axis, and which columns are evaluation metrics, throughput or bookkeeping. The
// columns are those kiln's training commands write (tools/*_train_command.cpp).
#include <string>
#include <vector>

namespace kiln::tools::report {

enum class Better { Lower, Higher, Neither };

// Lower for errors, lengths, losses and costs; higher for accuracies and exact match.
Better better_direction(const std::string& column);

// An evaluation metric: measured on held-out data after an epoch (validation_*, test_*,
// heldout_*).
bool is_evaluation_metric(const std::string& column);

// "validation_mse" -> "mse": what validation and test columns share, so they share a chart.
std::string measure_of(const std::string& column);

// "validation_mse" -> "validation MSE"; "windows_per_second" -> "windows / s".
std::string column_label(const std::string& column);

// The column a kind of run is judged by: forecast validation_mse, tsp validation_length,
// sequence heldout_exact_match; empty when the metrics have none of them.
std::string main_metric(const std::vector<std::string>& columns);

// The first column ending in "_per_second", or empty.
std::string throughput_column(const std::vector<std::string>& columns);

}  // namespace kiln::tools::report
