#pragma once

// A sweep's spec (SPEC.json, docs/sweeps.md): the `kiln train` arguments its trials share, the
// search space over their options, the search (random or grid), the scheduler (ASHA or none,
// with a budget in epochs) and the metric ranked. parse_sweep_spec checks everything that can
// be checked before a trial starts, and each error names the field.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiln::tools::sweep {

// The values one option takes.
struct Domain {
  enum class Kind { Choices, Int, Float };
  Kind kind = Kind::Float;
  std::vector<nlohmann::json> choices;  // Choices: the values, in the spec's order
  double low = 0, high = 0;             // Int and Float: the range, both ends included
  bool log = false;                     // spread log-uniformly (low > 0)
  int64_t points = 0;                   // a grid's points in the range (0: none given)
};

// One searched option: "--lr", or "--set dropout" for an option taking KEY=VALUE.
struct Parameter {
  std::string name;    // as the spec writes it: "--set dropout"
  std::string option;  // "--set"
  std::string key;     // "dropout"; empty for a plain option
  Domain domain;
};

enum class SearchMethod { Random, Grid };

struct SweepSpec {
  std::string name;
  std::vector<std::string> command;  // "train", "forecast", "--model", "patchtst", ...
  std::vector<Parameter> parameters;
  SearchMethod method = SearchMethod::Random;
  int64_t trials = 0;  // random: as given; grid: the grid's size
  uint64_t seed = 0;
  // The budget in epochs: ASHA's rungs from min_epochs up by reduction_factor to max_epochs;
  // without ASHA every trial trains max_epochs.
  bool asha = true;
  int64_t min_epochs = 1, max_epochs = 0, reduction_factor = 3;
  std::string metric;  // a metrics.csv column
  bool lower_is_better = true;
  int64_t threads_per_trial = 1;
  nlohmann::json json;  // the spec as given: resuming a sweep checks it is unchanged
};

// Options the sweep gives every trial itself, so a spec may not.
inline constexpr std::array<std::string_view, 6> kSweepOwnedOptions = {
    "--out", "--resume", "--epochs", "--threads", "--stop-at-epoch", "--stop-at-step"};

// Throws kiln::Error naming the field ("parameters.--lr: a log range must lie above zero, got
// [0, 0.1]") for an unknown key, a wrong type, an empty range or list, a log range through
// zero, a grid over a float range without points, and the like. The options themselves are
// checked against kiln's parser by check_trial_arguments (search_space.h).
SweepSpec parse_sweep_spec(const nlohmann::ordered_json& spec);
// The file parsed; its errors name the file.
SweepSpec read_sweep_spec(const std::filesystem::path& file);
// A spec's text parsed; its errors name `source`.
SweepSpec parse_sweep_spec_text(std::string_view text, const std::string& source);

// The metrics.csv column a task's runs are ranked by unless the spec says otherwise, and
// whether lower is better: forecasting's validation MSE, TSP's greedy validation tour length,
// the sequence tasks' held-out exact match.
struct TaskMetric {
  std::string column;
  bool lower_is_better;
};
TaskMetric default_metric(const std::vector<std::string>& command);

}  // namespace kiln::tools::sweep
