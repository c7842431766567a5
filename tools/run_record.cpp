#include "tools/run_record.h"

#include <chrono>
#include <cstdio>
#include <fstream>

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"

namespace kiln::tools {

namespace {

std::vector<std::string>& recorded_invocation() {
  static std::vector<std::string> arguments;
  return arguments;
}

std::string utc_now() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(now)};
  const std::chrono::hh_mm_ss time{now - std::chrono::floor<std::chrono::days>(now)};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()), static_cast<long long>(time.hours().count()),
                static_cast<long long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return text;
}

nlohmann::json read_json_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  KILN_CHECK(in.good(), "cannot read '", file.string(), "'");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw Error(detail::concat("'", file.string(), "' is not valid JSON: ", error.what()));
  }
}

}  // namespace

void record_invocation(int argc, const char* const* argv) {
  recorded_invocation().assign(argv, argv + argc);
}

const std::vector<std::string>& invocation() {
  return recorded_invocation();
}

void write_run_record(const std::filesystem::path& directory, const std::string& kind,
                      const nlohmann::json& config, const nlohmann::json& machine, bool resumed) {
  nlohmann::json record = resumed ? read_run_record(directory) : nlohmann::json();
  const nlohmann::json start = {{"command", invocation()}, {"started", utc_now()}};
  if (record.is_object()) {
    record["resumed"].push_back(start);
  } else {
    record = {{"kind", kind},
              {"command", invocation()},
              {"config", config},
              {"machine", machine},
              {"started", start["started"]}};
  }
  write_file_atomically((directory / kRunRecordFile).string(), record.dump(2) + "\n");
}

nlohmann::json read_run_record(const std::filesystem::path& directory) {
  const std::filesystem::path file = directory / kRunRecordFile;
  if (!std::filesystem::exists(file)) return nullptr;
  nlohmann::json record = read_json_file(file);
  KILN_CHECK(record.is_object() && record.contains("kind"), "'", file.string(),
             "' is not a kiln run record (no \"kind\")");
  return record;
}

StepLog::StepLog(const std::filesystem::path& directory, int64_t resumed_step)
    : log_(directory / kStepsFile, "step,loss,lr", resumed_step) {}

void StepLog::add(int64_t step, double loss, double lr) {
  char row[96];
  std::snprintf(row, sizeof row, "%lld,%.6g,%.6g", static_cast<long long>(step), loss, lr);
  pending_.emplace_back(row);
}

void StepLog::flush() {
  log_.append(pending_);
  pending_.clear();
}

}  // namespace kiln::tools
