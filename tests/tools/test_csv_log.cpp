// The CSV logs of a training run (steps.csv, metrics.csv): a run killed after appending rows but
// before writing the checkpoint that covers them resumes from the earlier checkpoint, so
// reopening the log drops every row past that checkpoint's key, and any row or header the kill
// tore, and the rows taken again are appended once.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "scratch_directory.h"
#include "tensor/io/atomic_file.h"
#include "tools/csv_log.h"

namespace kiln::tools {
namespace {

class CsvLogTest : public ::testing::Test {
 protected:
  std::string text() const { return read_file(file_.string()); }
  void leave(const std::string& text) const { write_file_atomically(file_.string(), text); }

  const kiln::testing::ScratchDirectory scratch_{"csv_log"};
  const std::filesystem::path file_ = scratch_.path() / "metrics.csv";
};

TEST_F(CsvLogTest, WritesTheHeaderBeforeTheFirstRowsOnly) {
  const CsvLog log(file_, "epoch,loss", 0);
  EXPECT_FALSE(std::filesystem::exists(file_));
  log.append({"1,0.5", "2,0.25"});
  log.append({"3,0.125"});
  EXPECT_EQ(text(), "epoch,loss\n1,0.5\n2,0.25\n3,0.125\n");
}

TEST_F(CsvLogTest, ReopeningKeepsTheRowsUpToTheCheckpointOnly) {
  // Epoch 3's row was appended but its checkpoint never written: the run resumes after epoch 2.
  leave("epoch,loss\n1,0.5\n2,0.25\n3,0.125\n");
  const CsvLog log(file_, "epoch,loss", 2);
  EXPECT_EQ(text(), "epoch,loss\n1,0.5\n2,0.25\n");
  log.append({"3,0.125"});
  EXPECT_EQ(text(), "epoch,loss\n1,0.5\n2,0.25\n3,0.125\n");
}

TEST_F(CsvLogTest, RowsAndHeadersTornByAKillAreDropped) {
  leave("epoch,loss\n1,0.5\n2,0.2");
  const CsvLog log(file_, "epoch,loss", 5);
  EXPECT_EQ(text(), "epoch,loss\n1,0.5\n");
  leave("epo");
  const CsvLog fresh(file_, "epoch,loss", 0);
  EXPECT_EQ(text(), "epoch,loss\n");
  leave("epoch,loss\n1,0.5\n\n1\nx,3\n2,0.25\n");  // not rows of this log
  const CsvLog cleaned(file_, "epoch,loss", 5);
  EXPECT_EQ(text(), "epoch,loss\n1,0.5\n2,0.25\n");
}

}  // namespace
}  // namespace kiln::tools
