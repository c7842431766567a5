#pragma once

// The page `kiln report` writes: one self-contained HTML file (inline CSS and SVG, no script,
// nothing fetched) drawn from run directories, sweep directories (sweep.json) and forecasting
// benchmark directories (results.csv).
#include <filesystem>
#include <string>
#include <vector>

namespace kiln::tools::report {

// The page for `inputs`, in the order given; a directory that is none of the three kinds is a
// kiln::Error naming it.
std::string report_html(const std::vector<std::filesystem::path>& inputs, const std::string& title);

// report_html written atomically to `out`.
void write_report(const std::vector<std::filesystem::path>& inputs, const std::string& title,
                  const std::filesystem::path& out);

}  // namespace kiln::tools::report
