#pragma once

// The forecasting benchmark (`kiln forecast benchmark`) as the papers' tables look: a row per
// dataset and horizon, a column pair (MSE, MAE) per model, the best of each row in bold and the
// second underlined, and the published MSE beside each of kiln's.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiln::tools::report {

// A directory `kiln forecast benchmark` wrote: results.csv beside DATASET/MODEL-HORIZON runs.
bool is_benchmark_directory(const std::filesystem::path& directory);

// The run directories of its finished cells (those with results.json), sorted.
std::vector<std::filesystem::path> benchmark_cells(const std::filesystem::path& directory);

// The matrix from the cells' results.json.
std::string benchmark_section_html(const std::filesystem::path& directory,
                                   const std::vector<nlohmann::json>& cell_results);

}  // namespace kiln::tools::report
