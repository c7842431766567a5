#pragma once

// A run's examples.json drawn: forecasts against the truth with the look-back shaded
// (forecasting), tours over their points beside the best baseline's (TSP), predicted against
// true sequences (the sequence tasks).
#include <string>

#include "tools/report/run_data.h"

namespace kiln::tools::report {

// The figures as HTML; empty when the run wrote no examples.
std::string task_figures_html(const RunData& run);

}  // namespace kiln::tools::report
