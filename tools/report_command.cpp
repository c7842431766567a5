// kiln report RUN_DIR... [--out report.html]: one self-contained HTML page from run, sweep
// and benchmark directories (tools/report/report_page.h).
#include <cstdio>

#include "tools/commands.h"
#include "tools/report/report_page.h"

namespace kiln::tools {

CLI::App* add_report_command(CLI::App& app, ReportOptions& o) {
  CLI::App* report = app.add_subcommand(
      "report",
      "Write one self-contained HTML page (inline SVG and CSS, opens offline) from run, sweep "
      "and forecasting benchmark directories: commands, configs, metrics, charts, examples, and a "
      "comparison of several runs");
  report->add_option("runs", o.runs, "Run, sweep or benchmark directories")
      ->required()
      ->check(CLI::ExistingDirectory);
  report->add_option("--out", o.out, "The HTML file to write")->capture_default_str();
  report->add_option("--title", o.title, "The page's title")->capture_default_str();
  return report;
}

int run_report(const ReportOptions& o) {
  const std::vector<std::filesystem::path> inputs(o.runs.begin(), o.runs.end());
  report::write_report(inputs, o.title, o.out);
  std::printf("report of %zu director%s written to %s\n", inputs.size(),
              inputs.size() == 1 ? "y" : "ies", o.out.c_str());
  return 0;
}

}  // namespace kiln::tools
