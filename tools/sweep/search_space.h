#pragma once

// The trials a spec asks for: their parameter values (random draws from a seeded generator, or
// a grid), the `kiln` arguments each runs with, and those arguments checked against kiln's own
// parser before any trial starts.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/sweep/sweep_spec.h"

namespace kiln::tools::sweep {

// A grid's values of one option: every choice; `points` spread over a range (geometrically on
// a log range; an int range rounds them and drops repeats), or every integer of an int range
// without points.
std::vector<nlohmann::json> grid_values(const Domain& domain);
// How many values grid_values gives at most, without making them.
double grid_size_bound(const Domain& domain);

// Each trial's values, {"--lr": 0.001, "--set dropout": 0.2}. Random: trial after trial, each
// option in the spec's order, drawn from std::mt19937_64 seeded with the spec's seed (floats
// uniform or log-uniform in [low, high], ints uniform or log-uniform in low..high, choices
// uniform), so the same spec gives the same trials in the same order. Grid: the cartesian
// product, the spec's first option varying slowest.
std::vector<nlohmann::json> trial_configurations(const SweepSpec& spec);

// A value as one command-line word: strings as they are, numbers in their shortest exact form
// ("0.001", "16", "1e-05"), booleans "true" and "false".
std::string argument_text(const nlohmann::json& value);

// A trial's `kiln` arguments, budget aside: the spec's command, then each option with its
// value ("--lr", "0.001", "--set", "dropout=0.2").
std::vector<std::string> trial_arguments(const SweepSpec& spec, const nlohmann::json& values);

// The arguments the sweep adds to a trial's: its directory, the budget and the threads.
std::vector<std::string> budget_arguments(const std::string& directory, int64_t epochs,
                                          int64_t threads);

// Throws kiln::Error when kiln would refuse a trial's arguments (check_kiln_arguments), naming
// the field at fault: "command: ..." when the command alone is refused, "parameters.--lr: ..."
// when one of an option's values is, else "trial 3 (...): ..." for the first trial refused.
using ArgumentCheck = std::function<void(const std::vector<std::string>&)>;
void check_trial_arguments(const SweepSpec& spec, const std::vector<nlohmann::json>& trials,
                           const ArgumentCheck& check);

}  // namespace kiln::tools::sweep
