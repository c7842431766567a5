#pragma once

// A CSV file a training run appends to, one row per step or per epoch keyed by its first
// column. A run appends a row before the checkpoint that covers it is written, so a run killed
// between the two would hold the row twice once resumed; reopening the log therefore drops the
// rows past the checkpoint's key (and a row torn by the kill). steps.csv and metrics.csv both
// work so.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kiln::tools {

class CsvLog {
 public:
  // Opens FILE, whose first line is `header`, rewriting it (atomically) to the rows whose key
  // is at most `kept_through`, the step or epoch the run resumes from (0 for a fresh run).
  CsvLog(std::filesystem::path file, std::string header, int64_t kept_through);

  // Appends the rows (without their newlines), the header first into a new file, flushed to
  // disk: a checkpoint written after this never covers a row the file lacks.
  void append(const std::vector<std::string>& rows) const;

 private:
  std::filesystem::path file_;
  std::string header_;
};

}  // namespace kiln::tools
