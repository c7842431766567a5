#pragma once

// A trial's metrics.csv (one row per epoch, as kiln train writes it) read for the sweep: how
// many epochs the run has done, and a column's value at an epoch.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kiln::tools::sweep {

class RunMetrics {
 public:
  // The file's rows; none when it does not exist yet. A row repeated for an epoch (a run killed
  // after writing the row and before saving its checkpoint, then resumed) counts once, the last.
  static RunMetrics read(const std::filesystem::path& file);

  // The last epoch with a row (0: none).
  int64_t epochs() const;
  bool has_column(const std::string& column) const;
  const std::vector<std::string>& columns() const { return columns_; }

  // `column` for the weights the run keeps after `epoch`: that epoch's row or, in runs that
  // keep their best epoch's weights (a column "improved", as kiln train forecast writes), the
  // last improved row up to it. NaN for an empty cell; a kiln::Error when the column or the
  // epoch is missing.
  double value_at(const std::string& column, int64_t epoch) const;

 private:
  std::filesystem::path file_;
  std::vector<std::string> columns_;
  std::map<int64_t, std::vector<std::string>> rows_;  // by epoch
};

}  // namespace kiln::tools::sweep
