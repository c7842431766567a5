#include "tools/report/benchmark_section.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "tools/forecast_training_run.h"
#include "tools/report/html_table.h"
#include "tools/report/markup.h"

namespace kiln::tools::report {

namespace {

struct CellScores {
  double mse = std::nan(""), mae = std::nan(""), published = std::nan("");
};

using RowKey = std::pair<std::string, int64_t>;  // dataset, horizon

// The rank (0 best, 1 second) of `value` among the row's finite values, lower being better.
int rank_in_row(double value, const std::vector<double>& row) {
  if (!std::isfinite(value)) return -1;
  return static_cast<int>(std::count_if(
      row.begin(), row.end(), [&](double other) { return std::isfinite(other) && other < value; }));
}

std::string score_cell(double value, const std::vector<double>& row) {
  const int rank = rank_in_row(value, row);
  const char* css = rank == 0   ? " class=\"number best\""
                    : rank == 1 ? " class=\"number second\""
                                : " class=\"number\"";
  return std::string("<td") + css + ">" + escaped(format_number(value, 3)) + "</td>";
}

}  // namespace

bool is_benchmark_directory(const std::filesystem::path& directory) {
  return std::filesystem::is_regular_file(directory / "results.csv") &&
         !benchmark_cells(directory).empty();
}

std::vector<std::filesystem::path> benchmark_cells(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> cells;
  for (const auto& dataset : std::filesystem::directory_iterator(directory)) {
    if (!dataset.is_directory()) continue;
    for (const auto& cell : std::filesystem::directory_iterator(dataset.path()))
      if (std::filesystem::is_regular_file(cell.path() / kResultsFile))
        cells.push_back(cell.path());
  }
  std::sort(cells.begin(), cells.end());
  return cells;
}

std::string benchmark_section_html(const std::filesystem::path& directory,
                                   const std::vector<nlohmann::json>& cell_results) {
  std::vector<std::string> models;
  std::map<std::string, std::string> modes;  // the drop_last mode each model's paper reports
  std::map<RowKey, std::map<std::string, CellScores>> matrix;
  for (const nlohmann::json& r : cell_results) {
    const std::string model = r.value("model", "?");
    if (std::find(models.begin(), models.end(), model) == models.end()) models.push_back(model);
    const nlohmann::json settings = r.value("settings", nlohmann::json::object());
    const RowKey key{r.value("dataset", "?"), settings.value("horizon", int64_t{0})};
    const nlohmann::json reported = r.value("reported", nlohmann::json::object());
    matrix[key][model] = {
        reported.value("mse", std::nan("")), reported.value("mae", std::nan("")),
        r.value("published", nlohmann::json::object()).value("mse", std::nan(""))};
    modes[model] = r.value("reported_mode", "");
  }
  std::ostringstream html;
  html << "<section class=\"benchmark\">\n<h2>Forecasting benchmark: "
       << escaped(directory.string())
       << "</h2>\n<table class=\"matrix\">\n<thead><tr><th rowspan=\"2\">dataset</th><th "
          "rowspan=\"2\">H</th>";
  for (const std::string& model : models)
    html << "<th colspan=\"3\">" << escaped(model) << " <span class=\"mode\">("
         << escaped(modes[model]) << ")</span></th>";
  html << "</tr><tr>";
  for (size_t m = 0; m < models.size(); ++m)
    html << "<th>MSE</th><th>MAE</th><th class=\"paper\">paper MSE</th>";
  html << "</tr></thead>\n<tbody>\n";
  for (const auto& [key, row] : matrix) {
    std::vector<double> mses, maes;
    for (const std::string& model : models) {
      const auto cell = row.find(model);
      mses.push_back(cell == row.end() ? std::nan("") : cell->second.mse);
      maes.push_back(cell == row.end() ? std::nan("") : cell->second.mae);
    }
    html << "<tr><td>" << escaped(key.first) << "</td><td class=\"number\">" << key.second
         << "</td>";
    for (size_t m = 0; m < models.size(); ++m) {
      const auto cell = row.find(models[m]);
      html << score_cell(mses[m], mses) << score_cell(maes[m], maes)
           << "<td class=\"number paper\">"
           << escaped(format_number(cell == row.end() ? std::nan("") : cell->second.published, 3))
           << "</td>";
    }
    html << "</tr>\n";
  }
  html << "</tbody>\n</table>\n<p class=\"note\">Test scores of the best-validation epoch on the "
          "standardised scale in each paper's setting and test-batch mode (in brackets); per row "
          "the best is bold and the second underlined; \"paper\" is the published MSE "
          "(models/forecast/published_results.h).</p>\n</section>\n";
  return html.str();
}

}  // namespace kiln::tools::report
