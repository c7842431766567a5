#include "tools/report/run_charts.h"

#include <algorithm>

#include "tools/report/metric_columns.h"

namespace kiln::tools::report {

namespace {

// About a twentieth of the curve's length averaged, at most a 200-step window.
double smoothing_weight(size_t points) {
  return std::clamp(1.0 - 20.0 / static_cast<double>(std::max<size_t>(points, 1)), 0.0, 0.995);
}

// Built member by member: GCC 12 misreads a designated Axis inside a designated LineChart as
// uninitialised.
Axis labelled(const std::string& label, Scale scale = Scale::Linear) {
  Axis axis;
  axis.label = label;
  axis.scale = scale;
  axis.whole_numbers = label == "epoch" || label == "step";
  return axis;
}

Axis from_zero(Axis axis) {
  axis.low = 0.0;
  return axis;
}

Axis value_axis(const std::string& label, const std::vector<std::vector<double>>& values) {
  std::vector<double> all;
  for (const auto& v : values) all.insert(all.end(), v.begin(), v.end());
  return labelled(label, suggested_scale(all));
}

// Loss against step from steps.csv, else against epoch from metrics.csv.
std::pair<const std::vector<double>*, const std::vector<double>*> loss_curve(const RunData& run,
                                                                             std::string& x_label) {
  if (run.steps.find("loss") && run.steps.find("step")) {
    x_label = "step";
    return {run.steps.find("step"), run.steps.find("loss")};
  }
  x_label = "epoch";
  return {run.metrics.find("epoch"), run.metrics.find("loss")};
}

void add_loss_chart(const RunData& run, std::vector<LineChart>& charts) {
  std::string x_label;
  const auto [x, loss] = loss_curve(run, x_label);
  if (!x || !loss) return;
  LineChart chart{
      .title = "Training loss", .x = labelled(x_label), .y = value_axis("loss", {*loss})};
  const bool per_step = x_label == "step";
  chart.series.push_back({.name = per_step ? "raw" : "",
                          .x = *x,
                          .y = *loss,
                          .colour = 0,
                          .faint = per_step,
                          .markers = !per_step && x->size() < 30});
  if (per_step)
    chart.series.push_back({.name = "smoothed",
                            .x = *x,
                            .y = smoothed(*loss, smoothing_weight(loss->size())),
                            .colour = 0});
  charts.push_back(std::move(chart));
}

// Accuracies and exact match: drawn on their whole range, 0 to 1.
bool is_fraction(const std::string& measure) {
  return measure.find("accuracy") != std::string::npos || measure == "exact_match";
}

void add_evaluation_charts(const RunData& run, std::vector<LineChart>& charts) {
  const std::vector<double>* epoch = run.metrics.find("epoch");
  if (!epoch) return;
  // Measures in the order their first column appears: a forecast's MSE before its MAE.
  std::vector<std::pair<std::string, std::vector<std::string>>> by_measure;
  for (const std::string& column : run.metrics.names) {
    if (!is_evaluation_metric(column)) continue;
    auto found = std::find_if(by_measure.begin(), by_measure.end(),
                              [&](const auto& group) { return group.first == measure_of(column); });
    if (found == by_measure.end()) found = by_measure.insert(found, {measure_of(column), {}});
    found->second.push_back(column);
  }
  for (const auto& [measure, columns] : by_measure) {
    LineChart chart{.title = column_label(measure) + " per epoch", .x = labelled("epoch")};
    std::vector<std::vector<double>> values;
    for (const std::string& column : columns) {
      const std::vector<double>& y = *run.metrics.find(column);
      values.push_back(y);
      chart.series.push_back(
          {.name = column_label(column), .x = *epoch, .y = y, .markers = epoch->size() < 30});
    }
    chart.y = value_axis(column_label(measure), values);
    if (is_fraction(measure)) {
      chart.y.low = 0.0;
      chart.y.high = 1.0;
    }
    charts.push_back(std::move(chart));
  }
}

void add_rate_charts(const RunData& run, std::vector<LineChart>& charts) {
  const bool per_step = run.steps.find("lr") && run.steps.find("step");
  const Columns& lr_table = per_step ? run.steps : run.metrics;
  const std::vector<double>* x = lr_table.find(per_step ? "step" : "epoch");
  if (const std::vector<double>* lr = lr_table.find("lr"); x && lr)
    charts.push_back({.title = "Learning rate",
                      .x = labelled(per_step ? "step" : "epoch"),
                      .y = labelled("learning rate"),
                      .series = {{.x = *x, .y = *lr, .colour = 2}}});
  const std::string throughput = throughput_column(run.metrics.names);
  if (const std::vector<double>* epoch = run.metrics.find("epoch"); epoch && !throughput.empty())
    charts.push_back({.title = "Throughput",
                      .x = labelled("epoch"),
                      .y = from_zero(labelled(column_label(throughput))),
                      .series = {{.x = *epoch,
                                  .y = *run.metrics.find(throughput),
                                  .colour = 3,
                                  .markers = epoch->size() < 30}}});
}

}  // namespace

std::vector<LineChart> run_charts(const RunData& run) {
  std::vector<LineChart> charts;
  add_loss_chart(run, charts);
  add_evaluation_charts(run, charts);
  add_rate_charts(run, charts);
  return charts;
}

std::vector<LineChart> overlay_charts(const std::vector<const RunData*>& runs) {
  LineChart loss{.title = "Training loss (smoothed)"};
  std::vector<std::vector<double>> losses;
  const std::string metric = runs.empty() ? "" : main_metric(runs.front()->metrics.names);
  LineChart evaluation{.title = column_label(metric) + " per epoch", .x = labelled("epoch")};
  std::vector<std::vector<double>> metrics;
  for (size_t r = 0; r < runs.size(); ++r) {
    std::string x_label;
    if (const auto [x, y] = loss_curve(*runs[r], x_label); x && y) {
      loss.x.label = x_label;
      losses.push_back(smoothed(*y, smoothing_weight(y->size())));
      loss.series.push_back({.name = runs[r]->name, .x = *x, .y = losses.back(), .colour = r});
    }
    const std::vector<double>* epoch = runs[r]->metrics.find("epoch");
    const std::vector<double>* values = runs[r]->metrics.find(metric);
    if (epoch && values) {
      metrics.push_back(*values);
      evaluation.series.push_back({.name = runs[r]->name,
                                   .x = *epoch,
                                   .y = *values,
                                   .colour = r,
                                   .markers = epoch->size() < 30});
    }
  }
  loss.y = value_axis("loss", losses);
  evaluation.y = value_axis(column_label(metric), metrics);
  std::vector<LineChart> charts = {loss};
  if (!metric.empty()) charts.push_back(evaluation);
  return charts;
}

}  // namespace kiln::tools::report
