#pragma once

// A sweep (`kiln sweep`) in a report: its trials in a table (parameters, state, budget reached,
// metric, why a trial stopped or failed) with the best marked, the best configuration as a
// command line, parallel coordinates of parameters against the metric, the metric against each
// parameter, and every trial's metric per epoch with the best one drawn solid.
#include <filesystem>
#include <string>
#include <vector>

#include "tools/report/run_data.h"
#include "tools/sweep/sweep_journal.h"

namespace kiln::tools::report {

bool is_sweep_directory(const std::filesystem::path& directory);

// The trials' run directories that hold at least one epoch, in trial order.
std::vector<std::filesystem::path> sweep_trial_runs(const std::filesystem::path& directory,
                                                    const sweep::SweepJournal& journal);

// `trials` are the runs sweep_trial_runs found, read.
std::string sweep_section_html(const std::filesystem::path& directory,
                               const sweep::SweepJournal& journal,
                               const std::vector<const RunData*>& trials);

}  // namespace kiln::tools::report
