#include "tools/report/run_section.h"

#include <sstream>

#include "tools/report/html_table.h"
#include "tools/report/markup.h"
#include "tools/report/run_charts.h"
#include "tools/report/task_figures.h"

namespace kiln::tools::report {

namespace {

std::string command_html(const RunData& run) {
  if (!run.record.is_object())
    return "<p class=\"note\">No run.json: the command was not recorded.</p>\n";
  std::string html = "<pre class=\"command\">" +
                     escaped(shell_line(run.record.value("command", std::vector<std::string>{}))) +
                     "</pre>\n";
  for (const nlohmann::json& resumed : run.record.value("resumed", nlohmann::json::array()))
    html += "<pre class=\"command\">" +
            escaped(shell_line(resumed.value("command", std::vector<std::string>{}))) +
            "  # resumed " + escaped(resumed.value("started", "")) + "</pre>\n";
  return html;
}

// The last epoch's row, one column per metric.
std::string final_metrics_html(const RunData& run) {
  if (run.metrics.rows() == 0) return "<p class=\"note\">No epoch finished yet.</p>\n";
  std::vector<TableColumn> columns;
  std::vector<TableCell> row;
  for (size_t c = 0; c < run.metrics.names.size(); ++c) {
    columns.push_back({.title = column_label(run.metrics.names[c])});
    row.push_back(number_cell(run.metrics.values[c].back(), 6));
  }
  return html_table(columns, {row});
}

// A forecasting run's test scores, in the mode its paper reports, beside the paper's figure.
std::string results_html(const RunData& run) {
  if (!run.results.is_object() || !run.results.contains("reported")) return "";
  const nlohmann::json& reported = run.results["reported"];
  const nlohmann::json published = run.results.value("published", nlohmann::json::object());
  std::vector<TableColumn> columns = {
      {"test (best epoch)"}, {"MSE"}, {"MAE"}, {"published MSE"}, {"source"}};
  std::vector<TableCell> row = {text_cell(run.results.value("reported_mode", "") + " windows: " +
                                          std::to_string(reported.value("windows", 0))),
                                number_cell(reported.value("mse", std::nan("")), 4),
                                number_cell(reported.value("mae", std::nan("")), 4),
                                number_cell(published.value("mse", std::nan("")), 4),
                                text_cell(published.value("source", "-"))};
  return html_table(columns, {row});
}

// A field of kiln info's machine JSON as text; records from other kiln versions may lack it.
std::string machine_field(const nlohmann::json& machine, const char* key) {
  if (!machine.contains(key)) return "?";
  const nlohmann::json& value = machine.at(key);
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string machine_html(const RunData& run) {
  if (!run.record.is_object() || !run.record.contains("machine")) return "";
  const nlohmann::json& m = run.record.at("machine");
  if (!m.is_object()) return "";
  std::ostringstream line;
  line << "kiln " << machine_field(m, "version") << ", " << machine_field(m, "build_type") << ", "
       << machine_field(m, "compiler") << "; BLAS " << machine_field(m, "blas") << "; "
       << machine_field(m, "threads")
       << " threads; CUDA devices: " << m.value("cuda_devices", nlohmann::json::array()).size();
  return "<p class=\"machine\">Machine: " + escaped(line.str()) + "</p>\n";
}

std::string charts_html(const RunData& run) {
  std::string html = "<div class=\"figures\">\n";
  for (const LineChart& chart : run_charts(run))
    html += "<figure>" + line_chart_svg(chart) + "</figure>\n";
  return html + "</div>\n";
}

}  // namespace

std::string shell_line(const std::vector<std::string>& arguments) {
  std::string line;
  for (const std::string& argument : arguments) {
    const bool plain =
        !argument.empty() && argument.find_first_not_of(
                                 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789-_=./:,+@%") == std::string::npos;
    std::string quoted = "'";
    for (const char c : argument) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += (line.empty() ? "" : " ") + (plain ? argument : quoted + "'");
  }
  return line;
}

std::string run_section_html(const RunData& run, const std::string& anchor, bool open) {
  std::ostringstream html;
  html << "<section class=\"run\" id=\"" << escaped(anchor) << "\">\n<details"
       << (open ? " open" : "") << "><summary><h2>" << escaped(run.name)
       << "</h2> <span class=\"kind\">" << escaped(run.kind) << " &middot; "
       << escaped(run.directory.string()) << "</span></summary>\n"
       << command_html(run) << "<h3>Final metrics</h3>\n"
       << final_metrics_html(run) << results_html(run) << charts_html(run) << task_figures_html(run)
       << "<details class=\"config\"><summary>Configuration</summary><pre>"
       << escaped(run_config(run).dump(2)) << "</pre></details>\n"
       << machine_html(run) << "</details>\n</section>\n";
  return html.str();
}

}  // namespace kiln::tools::report
