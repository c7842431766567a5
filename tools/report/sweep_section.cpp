#include "tools/report/sweep_section.h"

#include <cmath>
#include <set>
#include <sstream>

#include "tools/report/html_table.h"
#include "tools/report/markup.h"
#include "tools/report/run_section.h"
#include "tools/report/svg_chart.h"

namespace kiln::tools::report {

namespace {

using sweep::SweepJournal;
using sweep::TrialRecord;
using sweep::TrialState;

std::vector<std::string> parameter_names(const SweepJournal& journal) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const TrialRecord& trial : journal.trials)
    for (const auto& [name, value] : trial.parameters.items())
      if (seen.insert(name).second) names.push_back(name);
  return names;
}

bool log_domain(const SweepJournal& journal, const std::string& parameter) {
  const nlohmann::json domain =
      journal.spec.value("parameters", nlohmann::json::object()).value(parameter, nlohmann::json());
  return domain.is_object() && domain.value("log", false);
}

double metric_of(const TrialRecord& trial) {
  const std::optional<double> metric = sweep::latest_metric(trial);
  return metric ? *metric : std::nan("");
}

// The finished or stopped trial with the best metric; -1 when none has one.
int best_trial(const SweepJournal& journal) {
  int best = -1;
  for (size_t t = 0; t < journal.trials.size(); ++t) {
    const double metric = metric_of(journal.trials[t]);
    if (!std::isfinite(metric)) continue;
    const double best_metric =
        best < 0 ? std::nan("") : metric_of(journal.trials[static_cast<size_t>(best)]);
    if (best < 0 || (journal.lower_is_better ? metric < best_metric : metric > best_metric))
      best = static_cast<int>(t);
  }
  return best;
}

std::string value_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return format_number(value.get<double>(), 4);
  return value.is_null() ? "-" : value.dump();
}

std::string trials_table(const SweepJournal& journal, const std::vector<std::string>& parameters) {
  std::vector<TableColumn> columns = {{"trial"}};
  for (const std::string& parameter : parameters) columns.push_back({parameter});
  columns.push_back({"state"});
  columns.push_back({"epochs"});
  columns.push_back({journal.metric, journal.lower_is_better ? Better::Lower : Better::Higher});
  columns.push_back({"time (s)"});
  columns.push_back({"reason"});
  std::vector<std::vector<TableCell>> rows;
  for (const TrialRecord& trial : journal.trials) {
    std::vector<TableCell> row = {text_cell(trial.directory)};
    for (const std::string& parameter : parameters)
      row.push_back(text_cell(value_text(trial.parameters.value(parameter, nlohmann::json()))));
    row.push_back(text_cell(nlohmann::json(trial.state).get<std::string>()));
    row.push_back(text_cell(trial.rungs.empty() ? "-" : std::to_string(trial.rungs.back().epochs)));
    row.push_back(number_cell(metric_of(trial)));
    row.push_back(text_cell(format_number(trial.seconds, 4)));
    row.push_back(text_cell(trial.reason));
    rows.push_back(std::move(row));
  }
  return html_table(columns, rows);
}

ParallelCoordinates parallel_chart(const SweepJournal& journal,
                                   const std::vector<std::string>& parameters) {
  ParallelCoordinates chart{.title = "Parameters against " + journal.metric,
                            .lower_is_better = journal.lower_is_better};
  for (const std::string& parameter : parameters) {
    ParallelDimension dimension{.name = parameter, .log_scale = log_domain(journal, parameter)};
    for (const TrialRecord& trial : journal.trials) {
      const nlohmann::json value = trial.parameters.value(parameter, nlohmann::json());
      if (value.is_number()) {
        dimension.values.push_back(value.get<double>());
        continue;
      }
      const std::string text = value_text(value);
      auto found = std::find(dimension.categories.begin(), dimension.categories.end(), text);
      if (found == dimension.categories.end()) found = dimension.categories.insert(found, text);
      dimension.values.push_back(static_cast<double>(found - dimension.categories.begin()));
    }
    if (!dimension.categories.empty()) dimension.log_scale = false;
    chart.dimensions.push_back(std::move(dimension));
  }
  ParallelDimension metric{.name = journal.metric};
  for (const TrialRecord& trial : journal.trials) metric.values.push_back(metric_of(trial));
  chart.dimensions.push_back(std::move(metric));
  return chart;
}

// The metric against one numeric parameter, a dot per trial.
LineChart scatter_chart(const SweepJournal& journal, const std::string& parameter) {
  LineChart chart{.title = journal.metric + " against " + parameter};
  chart.x.label = parameter;
  chart.x.scale = log_domain(journal, parameter) ? Scale::Log : Scale::Linear;
  chart.y.label = journal.metric;
  Series dots{.colour = 0, .markers = true, .line = false};
  for (const TrialRecord& trial : journal.trials) {
    const nlohmann::json value = trial.parameters.value(parameter, nlohmann::json());
    if (!value.is_number()) return {};
    dots.x.push_back(value.get<double>());
    dots.y.push_back(metric_of(trial));
  }
  chart.series.push_back(std::move(dots));
  return chart;
}

// Every trial's metric per epoch, faint, and the best trial's solid.
LineChart curves_chart(const SweepJournal& journal, const std::vector<const RunData*>& trials,
                       int best) {
  LineChart chart{.title = journal.metric + " per epoch, every trial"};
  chart.x.label = "epoch";
  chart.y.label = journal.metric;
  const std::string best_directory =
      best < 0 ? "" : journal.trials[static_cast<size_t>(best)].directory;
  std::vector<double> all;
  for (const RunData* trial : trials) {
    const std::vector<double>* epoch = trial->metrics.find("epoch");
    const std::vector<double>* metric = trial->metrics.find(journal.metric);
    if (!epoch || !metric) continue;
    const bool is_best = trial->directory.filename() == best_directory;
    all.insert(all.end(), metric->begin(), metric->end());
    chart.series.push_back({.name = is_best ? "best: " + best_directory : "",
                            .x = *epoch,
                            .y = *metric,
                            .colour = is_best ? 1u : 0u,
                            .faint = !is_best,
                            .markers = is_best});
  }
  chart.y.scale = suggested_scale(all);
  return chart;
}

}  // namespace

bool is_sweep_directory(const std::filesystem::path& directory) {
  return std::filesystem::is_regular_file(directory / sweep::kSweepJournalFile);
}

std::vector<std::filesystem::path> sweep_trial_runs(const std::filesystem::path& directory,
                                                    const SweepJournal& journal) {
  std::vector<std::filesystem::path> runs;
  for (const TrialRecord& trial : journal.trials)
    if (is_run_directory(directory / trial.directory)) runs.push_back(directory / trial.directory);
  return runs;
}

std::string sweep_section_html(const std::filesystem::path& directory, const SweepJournal& journal,
                               const std::vector<const RunData*>& trials) {
  const std::vector<std::string> parameters = parameter_names(journal);
  const int best = best_trial(journal);
  std::ostringstream html;
  html << "<section class=\"sweep\">\n<h2>Sweep: " << escaped(directory.string()) << "</h2>\n<p>"
       << journal.trials.size() << " trials ranked by " << escaped(journal.metric) << " ("
       << (journal.lower_is_better ? "lower" : "higher") << " is better).</p>\n";
  if (best >= 0)
    html << "<h3>Best configuration: "
         << escaped(journal.trials[static_cast<size_t>(best)].directory)
         << "</h3>\n<pre class=\"command\">kiln "
         << escaped(shell_line(journal.trials[static_cast<size_t>(best)].arguments)) << "</pre>\n";
  html << trials_table(journal, parameters) << "<div class=\"figures\">\n<figure>"
       << parallel_coordinates_svg(parallel_chart(journal, parameters)) << "</figure>\n";
  for (const std::string& parameter : parameters)
    if (const LineChart chart = scatter_chart(journal, parameter); !chart.series.empty())
      html << "<figure>" << line_chart_svg(chart) << "</figure>\n";
  html << "<figure>" << line_chart_svg(curves_chart(journal, trials, best))
       << "</figure>\n</div>\n</section>\n";
  return html.str();
}

}  // namespace kiln::tools::report
