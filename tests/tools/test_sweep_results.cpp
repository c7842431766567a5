// What the sweep reads from a trial and writes for people: a metric at an epoch from
// metrics.csv (the best epoch's where the run keeps its best weights), the ranked table,
// results.csv and the command that trains a trial again.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "tensor/error.h"
#include "tools/sweep/run_metrics.h"
#include "tools/sweep/sweep_table.h"

namespace kiln::tools::sweep {
namespace {

RunMetrics metrics_of(const std::string& name, const std::string& text) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("kiln_sweep_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(file) << text;
  RunMetrics metrics = RunMetrics::read(file);
  std::filesystem::remove(file);
  return metrics;
}

TEST(RunMetrics, ReadsTheRowOfAnEpoch) {
  const RunMetrics metrics = metrics_of("sequence.csv",
                                        "epoch,step,loss,heldout_exact_match\n"
                                        "1,10,2.5,0.25\n"
                                        "2,20,2.1,0.5\n"
                                        "2,20,2.1,0.5\n"  // written again after a kill
                                        "3,30,1.9,0.4\n"
                                        "4,40,1.");  // cut short by a kill
  EXPECT_EQ(metrics.epochs(), 3);
  EXPECT_EQ(metrics.value_at("heldout_exact_match", 2), 0.5);
  EXPECT_EQ(metrics.value_at("heldout_exact_match", 3), 0.4);
  EXPECT_FALSE(metrics.has_column("validation_mse"));
  EXPECT_THROW(metrics.value_at("validation_mse", 2), Error);
  EXPECT_THROW(metrics.value_at("loss", 4), Error);
}

TEST(RunMetrics, RunsKeepingTheirBestEpochAreReadThere) {
  const RunMetrics metrics = metrics_of("forecast.csv",
                                        "epoch,validation_mse,test_mse,improved\n"
                                        "1,0.5,0.6,1\n"
                                        "2,0.4,0.5,1\n"
                                        "3,0.45,0.4,0\n"
                                        "4,nan,nan,0\n");
  EXPECT_EQ(metrics.value_at("validation_mse", 3), 0.4);
  EXPECT_EQ(metrics.value_at("test_mse", 4), 0.5);
  EXPECT_EQ(metrics.value_at("validation_mse", 1), 0.5);
}

TEST(RunMetrics, NoFileYetMeansNoEpochs) {
  EXPECT_EQ(RunMetrics::read("/nonexistent/metrics.csv").epochs(), 0);
  const RunMetrics empty_cell = metrics_of("tsp.csv", "epoch,candidate_length,lr\n1,,0.1\n");
  EXPECT_TRUE(std::isnan(empty_cell.value_at("candidate_length", 1)));
}

SweepSpec table_spec() {
  return parse_sweep_spec(nlohmann::ordered_json::parse(R"({"name": "t",
    "command": ["train", "forecast"], "scheduler": {"max_epochs": 4, "reduction_factor": 2},
    "parameters": {"--lr": {"float": [1e-4, 1], "log": true},
                   "--set act": {"choices": ["gelu", "relu"]}},
    "search": {"trials": 3}})"));
}

SweepJournal table_journal() {
  SweepJournal journal{
      .spec = {}, .metric = "validation_mse", .lower_is_better = true, .trials = {}};
  const auto add = [&](TrialState state, double lr, std::vector<RungResult> rungs,
                       std::string reason) {
    const int64_t id = static_cast<int64_t>(journal.trials.size());
    journal.trials.push_back(
        {.id = id,
         .directory = "trial-00" + std::to_string(id),
         .parameters = {{"--lr", lr}, {"--set act", "gelu"}},
         .arguments = {"train", "forecast", "--lr", std::to_string(lr), "--set", "act=gelu"},
         .state = state,
         .reason = std::move(reason),
         .rungs = std::move(rungs),
         .seconds = 1.5});
  };
  add(TrialState::Stopped, 0.5, {{1, 0.9}}, "not in the top 1/2 at 1 epoch");
  add(TrialState::Running, 0.001, {{1, 0.3}}, "");
  add(TrialState::Finished, 0.01, {{1, 0.2}, {2, 0.15}, {4, 0.1}}, "");
  add(TrialState::Failed, 0.1, {}, "exit status 1: kiln: error: bad, \"really\"");
  return journal;
}

TEST(SweepTable, RanksByTheMetricWithTrialsWithoutOneLast) {
  const SweepJournal journal = table_journal();
  std::vector<int64_t> order;
  for (const TrialRecord* trial : ranked_trials(journal)) order.push_back(trial->id);
  EXPECT_EQ(order, (std::vector<int64_t>{2, 1, 0, 3}));
}

TEST(SweepTable, ShowsEachTrialsStateEpochsAndMetric) {
  const SweepSpec spec = table_spec();
  const SweepJournal journal = table_journal();
  const Asha asha({.min_epochs = 1, .max_epochs = 4, .reduction_factor = 2});
  std::vector<const TrialRecord*> trials;
  for (const TrialRecord& trial : journal.trials) trials.push_back(&trial);
  const std::vector<std::string> lines = trial_table(spec, asha, trials);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(lines[0].starts_with("trial  --lr   --set act  state")) << lines[0];
  EXPECT_NE(lines[2].find("running   1->2"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find("finished  4       0.1"), std::string::npos) << lines[3];
  EXPECT_EQ(trial_event(journal, asha, journal.trials[0]),
            "trial 0 stopped at 1 epoch: validation_mse 0.9 (not in the top 1/2 at 1 epoch)");
  EXPECT_EQ(state_counts(spec, journal), "sweep t: 1 running, 1 finished, 1 stopped, 1 failed");
}

TEST(SweepTable, ResultsCsvQuotesWhatNeedsIt) {
  const std::string csv = results_csv(table_spec(), table_journal());
  EXPECT_TRUE(
      csv.starts_with("trial,directory,--lr,--set act,state,epochs,validation_mse,"
                      "seconds,reason\n0,trial-000,0.5,gelu,stopped,1,0.9,1.5,"))
      << csv;
  EXPECT_NE(csv.find("failed,0,,1.5,\"exit status 1: kiln: error: bad, \"\"really\"\"\"\n"),
            std::string::npos)
      << csv;
}

TEST(SweepTable, TheBestTrialsCommandIsQuotedForAShell) {
  TrialRecord trial;
  trial.arguments = {"train", "forecast", "--data", "my data.csv", "--set", "act=gelu"};
  EXPECT_EQ(reproducing_command(trial, 10),
            "kiln train forecast --data 'my data.csv' --set act=gelu --epochs 10");
}

}  // namespace
}  // namespace kiln::tools::sweep
