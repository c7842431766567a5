#pragma once

// Several runs of one kind side by side: overlaid curves with a legend, and a table with one
// row per run (model, data, horizon, seed, best validation, test metrics, time) marking the
// best cell of each column.
#include <string>
#include <vector>

#include "tools/report/run_data.h"

namespace kiln::tools::report {

// `anchors[i]` links run i's row to its section.
std::string comparison_section_html(const std::vector<const RunData*>& runs,
                                    const std::vector<std::string>& anchors);

}  // namespace kiln::tools::report
