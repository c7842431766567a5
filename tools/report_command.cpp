// kiln report RUN_DIR... [--out report.html]
#include "tensor/error.h"
#include "tools/commands.h"

namespace kiln::tools {

CLI::App* add_report_command(CLI::App& app, ReportOptions& o) {
  CLI::App* report = app.add_subcommand(
      "report",
      "Write one self-contained HTML page (inline SVG, opens offline) from run directories");
  report->add_option("runs", o.runs, "Run, sweep or benchmark directories")->required();
  report->add_option("--out", o.out, "The HTML file to write")->capture_default_str();
  report->add_option("--title", o.title, "The page's title")->capture_default_str();
  return report;
}

int run_report(const ReportOptions&) {
  throw Error("kiln report: in progress on this branch");
}

}  // namespace kiln::tools
