#pragma once

// What a training run leaves for people and for `kiln report` beside its checkpoint and
// metrics.csv: run.json (how it was started, its resolved configuration and the machine) and
// steps.csv (every optimizer step's loss and learning rate).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/csv_log.h"

namespace kiln::tools {

inline constexpr const char* kRunRecordFile = "run.json";
inline constexpr const char* kStepsFile = "steps.csv";

// The command line this process was started with (kiln's main records it first thing).
void record_invocation(int argc, const char* const* argv);
const std::vector<std::string>& invocation();

// Writes DIR/run.json atomically: {"kind", "command" (this process's arguments), "config",
// "machine" (`machine`: kiln info's JSON), "started" (UTC, ISO 8601)}. A `resumed` run keeps
// the first record and appends {"command", "started"} to its "resumed" list; a fresh run
// replaces whatever record a run killed before its first checkpoint left.
void write_run_record(const std::filesystem::path& directory, const std::string& kind,
                      const nlohmann::json& config, const nlohmann::json& machine, bool resumed);
// DIR/run.json, or null when the run has none; a malformed file is a kiln::Error.
nlohmann::json read_run_record(const std::filesystem::path& directory);
// A run record's text; `source` names it in messages.
nlohmann::json parse_run_record(std::string_view text, const std::string& source);

// Per-step loss and learning rate, kept in memory between checkpoints and appended to
// DIR/steps.csv ("step,loss,lr") just before each, so a run resumed from its last checkpoint
// never holds a step twice (rows past the checkpoint's step are dropped when the log reopens).
class StepLog {
 public:
  // Opens DIR/steps.csv for appending, first truncating it to steps <= `resumed_step`.
  StepLog(const std::filesystem::path& directory, int64_t resumed_step);
  void add(int64_t step, double loss, double lr);
  void flush();

 private:
  CsvLog log_;
  std::vector<std::string> pending_;
};

}  // namespace kiln::tools
