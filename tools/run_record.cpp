#include "tools/run_record.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/json_input.h"

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

bool is_text_list(const nlohmann::json& value) {
  return value.is_array() &&
         std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); });
}

// Whether object[key] is absent, null or passes `check`.
template <typename Check>
bool absent_or(const nlohmann::json& object, const char* key, Check check) {
  return !object.contains(key) || object.at(key).is_null() || check(object.at(key));
}

bool is_resumption(const nlohmann::json& entry) {
  return entry.is_object() && absent_or(entry, "command", is_text_list) &&
         absent_or(entry, "started", std::mem_fn(&nlohmann::json::is_string));
}

// The fields write_run_record writes have its types, so that kiln report can read them as such.
void check_fields(const nlohmann::json& record, const std::string& source) {
  const auto require = [&](bool holds, const char* problem) {
    KILN_CHECK(holds, "'", source, "' is not a kiln run record: ", problem);
  };
  require(record.is_object() && record.contains("kind"), "no \"kind\"");
  require(record.at("kind").is_string(), "\"kind\" is not a string");
  require(absent_or(record, "command", is_text_list), "\"command\" is not a list of strings");
  require(absent_or(record, "config", std::mem_fn(&nlohmann::json::is_object)),
          "\"config\" is not an object");
  require(absent_or(record, "machine", std::mem_fn(&nlohmann::json::is_object)),
          "\"machine\" is not an object");
  require(absent_or(record, "started", std::mem_fn(&nlohmann::json::is_string)),
          "\"started\" is not a string");
  require(absent_or(record, "resumed",
                    [](const nlohmann::json& list) {
                      return list.is_array() &&
                             std::all_of(list.begin(), list.end(), is_resumption);
                    }),
          "\"resumed\" is not a list of {\"command\": [...], \"started\": \"...\"}");
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
  return parse_run_record(read_file(file.string()), file.string());
}

nlohmann::json parse_run_record(std::string_view text, const std::string& source) {
  nlohmann::json record;
  try {
    record = nlohmann::json::parse(text, json_depth_limit("'" + source + "'"));
  } catch (const nlohmann::json::exception& error) {
    throw Error(detail::concat("'", source, "' is not valid JSON: ", error.what()));
  }
  check_fields(record, source);
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
