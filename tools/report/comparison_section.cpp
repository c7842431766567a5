#include "tools/report/comparison_section.h"

#include <algorithm>
#include <cmath>

#include "tools/report/html_table.h"
#include "tools/report/markup.h"
#include "tools/report/run_charts.h"

namespace kiln::tools::report {

namespace {

// A configuration value as text: run.json's config is {"model": {...}, "settings": {...}}
// (a sequence run's model kind and task inside "model"); results.json's settings are flat.
std::string scalar_text(const nlohmann::json& value) {
  if (!value.is_string()) return value.dump();
  const std::string text = value.get<std::string>();
  const size_t slash = text.find_last_of('/');
  return slash == std::string::npos ? text : text.substr(slash + 1);
}

// The first of `keys` found in the settings, the top level or the model, as text.
std::string config_text(const nlohmann::json& config, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    for (const char* level : {"settings", "", "model"}) {
      const nlohmann::json& scope = *level ? config.value(level, nlohmann::json()) : config;
      if (scope.is_object() && scope.contains(key) && !scope[key].is_structured())
        return scalar_text(scope[key]);
    }
  return "-";
}

double best_of(const std::vector<double>* values, Better better) {
  double best = std::nan("");
  if (!values) return best;
  for (const double v : *values)
    if (std::isfinite(v) && (std::isnan(best) || (better == Better::Lower ? v < best : v > best)))
      best = v;
  return best;
}

double last_of(const std::vector<double>* values) {
  return values && !values->empty() ? values->back() : std::nan("");
}

// Test scores: a forecasting run's reported (best-epoch) figures, else the last epoch's test_*.
std::pair<double, double> test_scores(const RunData& run, const std::vector<std::string>& names) {
  if (run.results.is_object() && run.results.contains("reported"))
    return {run.results["reported"].value("mse", std::nan("")),
            run.results["reported"].value("mae", std::nan(""))};
  return {names.empty() ? std::nan("") : last_of(run.metrics.find(names[0])),
          names.size() < 2 ? std::nan("") : last_of(run.metrics.find(names[1]))};
}

std::vector<std::string> test_columns(const RunData& run) {
  std::vector<std::string> names;
  for (const std::string& column : run.metrics.names)
    if (column.rfind("test_", 0) == 0) names.push_back(column);
  return names;
}

}  // namespace

std::string comparison_section_html(const std::vector<const RunData*>& runs,
                                    const std::vector<std::string>& anchors) {
  const RunData& first = *runs.front();
  const std::string metric = main_metric(first.metrics.names);
  const Better better = better_direction(metric);
  const std::vector<std::string> tests = test_columns(first);
  std::vector<TableColumn> columns = {{"run"},
                                      {"model"},
                                      {"data"},
                                      {"horizon"},
                                      {"seed"},
                                      {"epochs"},
                                      {"best " + column_label(metric), better}};
  for (size_t t = 0; t < std::min<size_t>(tests.size(), 2); ++t)
    columns.push_back({column_label(tests[t]), better_direction(tests[t])});
  columns.push_back({"time (s)", Better::Lower});
  std::vector<std::vector<TableCell>> rows;
  for (size_t r = 0; r < runs.size(); ++r) {
    const RunData& run = *runs[r];
    const nlohmann::json& config = run_config(run);
    const auto [test_first, test_second] = test_scores(run, tests);
    std::vector<TableCell> row = {
        text_cell(run.name),
        text_cell(config_text(config, {"model", "kind"})),
        text_cell(config_text(config, {"dataset", "data", "task", "problem"})),
        text_cell(config_text(config, {"horizon", "nodes", "graph_size"})),
        text_cell(config_text(config, {"seed"})),
        number_cell(static_cast<double>(run.metrics.rows()), 6),
        number_cell(best_of(run.metrics.find(metric), better))};
    if (tests.size() > 0) row.push_back(number_cell(test_first));
    if (tests.size() > 1) row.push_back(number_cell(test_second));
    row.push_back(number_cell(last_of(run.metrics.find("seconds")), 5));
    rows.push_back(std::move(row));
  }
  std::string html =
      "<section class=\"comparison\">\n<h2>" + escaped(first.kind) + " runs compared</h2>\n";
  html += "<div class=\"figures\">\n";
  for (const LineChart& chart : overlay_charts(runs))
    html += "<figure>" + line_chart_svg(chart) + "</figure>\n";
  html += "</div>\n" + html_table(columns, rows);
  html += "<p class=\"note\">The best cell of each column is marked. Runs: ";
  for (size_t r = 0; r < runs.size(); ++r)
    html += (r ? ", " : "") + std::string("<a href=\"#") + escaped(anchors[r]) + "\">" +
            escaped(runs[r]->name) + "</a>";
  return html + ".</p>\n</section>\n";
}

}  // namespace kiln::tools::report
