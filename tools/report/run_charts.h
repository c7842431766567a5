#pragma once

// The charts a report draws from runs' metrics.csv and steps.csv.
#include <vector>

#include "tools/report/run_data.h"
#include "tools/report/svg_chart.h"

namespace kiln::tools::report {

// One run: training loss per step (smoothed, the raw points faint; per epoch when the run has
// no steps.csv), each evaluation measure per epoch (validation and test of a measure share a
// chart), the learning rate, and throughput.
std::vector<LineChart> run_charts(const RunData& run);

// Several runs of one kind overlaid, a colour per run: smoothed training loss, and the main
// metric per epoch.
std::vector<LineChart> overlay_charts(const std::vector<const RunData*>& runs);

}  // namespace kiln::tools::report
