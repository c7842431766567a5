// The sweep journal (sweep.json): written and read back whole, nothing for a directory without
// one, a malformed one refused with its path.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tensor/error.h"
#include "tools/sweep/sweep_journal.h"

namespace kiln::tools::sweep {
namespace {

// An empty directory in the temporary one for the life of the object.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("kiln_sweep_" + std::to_string(::getpid()) + "_" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(SweepJournal, RoundTripsEveryField) {
  const ScratchDirectory directory("round_trip");
  SweepJournal journal{.spec = {{"name", "lr"}, {"search", {{"trials", 2}}}},
                       .metric = "heldout_exact_match",
                       .lower_is_better = false,
                       .trials = {}};
  journal.trials.push_back({.id = 0,
                            .directory = "trial-000",
                            .parameters = {{"--lr", 0.001}, {"--set dropout", 0.2}},
                            .arguments = {"train", "copy", "--lr", "0.001"},
                            .state = TrialState::Stopped,
                            .reason = "not in the top 1/3 at 1 epoch",
                            .rungs = {{1, 0.25}, {3, 0.5}},
                            .seconds = 12.5});
  journal.trials.push_back({.id = 1,
                            .directory = "trial-001",
                            .parameters = {},
                            .arguments = {},
                            .state = TrialState::Running,
                            .reason = "",
                            .rungs = {},
                            .seconds = 0});
  write_sweep_journal(directory.path(), journal);
  const std::optional<SweepJournal> read = read_sweep_journal(directory.path());
  ASSERT_TRUE(read);
  EXPECT_EQ(nlohmann::json(*read), nlohmann::json(journal));
  EXPECT_EQ(read->trials[0].state, TrialState::Stopped);
  EXPECT_EQ(read->trials[0].rungs[1].metric, 0.5);
  EXPECT_EQ(read->trials[0].parameters.at("--set dropout"), 0.2);
  EXPECT_FALSE(read->lower_is_better);
  EXPECT_EQ(latest_metric(read->trials[0]), 0.5);
  EXPECT_FALSE(latest_metric(read->trials[1]).has_value());
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(directory.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(SweepJournal, NothingWithoutAJournalAndAnErrorForABadOne) {
  const ScratchDirectory directory("bad");
  EXPECT_FALSE(read_sweep_journal(directory.path()).has_value());
  std::ofstream(directory.path() / kSweepJournalFile) << R"({"trials": [{"id": "zero"}]})";
  try {
    read_sweep_journal(directory.path());
    FAIL() << "read a bad journal";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("sweep.json' is not a sweep journal"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace kiln::tools::sweep
