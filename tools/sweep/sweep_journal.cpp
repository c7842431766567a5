#include "tools/sweep/sweep_journal.h"

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"

namespace kiln::tools::sweep {

std::optional<double> latest_metric(const TrialRecord& trial) {
  if (trial.rungs.empty()) return std::nullopt;
  return trial.rungs.back().metric;
}

void write_sweep_journal(const std::filesystem::path& directory, const SweepJournal& journal) {
  write_file_atomically((directory / kSweepJournalFile).string(),
                        nlohmann::json(journal).dump(2) + "\n");
}

std::optional<SweepJournal> read_sweep_journal(const std::filesystem::path& directory) {
  const std::filesystem::path file = directory / kSweepJournalFile;
  if (!std::filesystem::exists(file)) return std::nullopt;
  const std::string text = read_file(file.string());
  try {
    return nlohmann::json::parse(text).get<SweepJournal>();
  } catch (const nlohmann::json::exception& error) {
    throw Error(detail::concat("'", file.string(), "' is not a sweep journal: ", error.what()));
  }
}

}  // namespace kiln::tools::sweep
