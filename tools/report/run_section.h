#pragma once

// One run's part of a report: its command, final metrics, charts, worked examples,
// configuration and machine.
#include <string>

#include "tools/report/run_data.h"

namespace kiln::tools::report {

// The section, anchored at `anchor`; collapsed unless `open` (a page of many runs).
std::string run_section_html(const RunData& run, const std::string& anchor, bool open);

// The arguments as one shell line, quoting those that need it.
std::string shell_line(const std::vector<std::string>& arguments);

}  // namespace kiln::tools::report
