#pragma once

// A sweep's state, one JSON file (DIR/sweep.json) rewritten atomically after every change of a
// trial, so an interrupted sweep resumes from it without redoing a finished trial or losing
// one. `kiln report` reads it to draw the sweep.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiln::tools::sweep {

inline constexpr const char* kSweepJournalFile = "sweep.json";

enum class TrialState {
  Pending,   // not started yet
  Running,   // a kiln process trains it (on resume: restarted from its last checkpoint)
  Paused,    // ASHA: done with its rung, waiting to be promoted or stopped
  Finished,  // trained to the full budget
  Stopped,   // ASHA stopped it early: not among the best of its rung
  Failed,    // its process failed; `reason` says why
};

NLOHMANN_JSON_SERIALIZE_ENUM(TrialState, {{TrialState::Pending, "pending"},
                                          {TrialState::Running, "running"},
                                          {TrialState::Paused, "paused"},
                                          {TrialState::Finished, "finished"},
                                          {TrialState::Stopped, "stopped"},
                                          {TrialState::Failed, "failed"}})

struct RungResult {
  int64_t epochs = 0;  // the budget the trial had trained to
  double metric = 0;   // its metric there
};

struct TrialRecord {
  int64_t id = 0;
  std::string directory;               // its run directory, relative to the sweep's
  nlohmann::json parameters;           // {"--lr": 0.001, "--set dropout": 0.1, ...}
  std::vector<std::string> arguments;  // the `kiln` arguments it runs with, budget aside
  TrialState state = TrialState::Pending;
  std::string reason;             // why it failed or stopped
  std::vector<RungResult> rungs;  // its metric at each budget it reached
  double seconds = 0;             // wall time of its processes
};

struct SweepJournal {
  nlohmann::json spec;          // the spec as given (resuming checks it is unchanged)
  std::string metric;           // the metrics.csv column ranked: "validation_mse"
  bool lower_is_better = true;  // the spec's "mode": "min" or "max"
  std::vector<TrialRecord> trials;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RungResult, epochs, metric)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrialRecord, id, directory, parameters, arguments,
                                                state, reason, rungs, seconds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SweepJournal, spec, metric, lower_is_better, trials)

// The trial's metric at the largest budget it reached; nothing before its first rung.
std::optional<double> latest_metric(const TrialRecord& trial);

void write_sweep_journal(const std::filesystem::path& directory, const SweepJournal& journal);
// DIR/sweep.json, or nothing when DIR holds no sweep; a malformed file is a kiln::Error.
std::optional<SweepJournal> read_sweep_journal(const std::filesystem::path& directory);

}  // namespace kiln::tools::sweep
