// The files a training run leaves for reports: run.json written once and appended to on every
// resumption, steps.csv keeping each step once across a resumption from an earlier checkpoint,
// and examples.json read back as written; malformed files are kiln::Error naming them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bad_call.h"
#include "scratch_directory.h"
#include "tools/run_examples.h"
#include "tools/run_record.h"

namespace kiln::tools {
namespace {

// A run directory of its own, removed after the test.
class RunDirectory : public ::testing::Test {
 protected:
  std::string read(const char* file) const {
    std::ifstream in(directory_ / file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void write(const char* file, const std::string& text) const {
    std::ofstream(directory_ / file) << text;
  }

  const kiln::testing::ScratchDirectory scratch_{"run_record"};
  const std::filesystem::path& directory_ = scratch_.path();
};

// Records `arguments` as this process's command line for the test, restoring the real one after.
class Invocation {
 public:
  explicit Invocation(const std::vector<const char*>& arguments) : saved_(invocation()) {
    record_invocation(static_cast<int>(arguments.size()), arguments.data());
  }
  ~Invocation() {
    std::vector<const char*> saved;
    for (const std::string& argument : saved_) saved.push_back(argument.c_str());
    record_invocation(static_cast<int>(saved.size()), saved.data());
  }

 private:
  std::vector<std::string> saved_;
};

using StepLogTest = RunDirectory;

TEST_F(StepLogTest, WritesTheHeaderAndPendingRowsOnFlush) {
  StepLog log(directory_, 0);
  log.add(1, 2.5, 0.001);
  log.add(2, 2.25, 0.002);
  EXPECT_FALSE(std::filesystem::exists(directory_ / kStepsFile));
  log.flush();
  log.add(3, 2, 0.003);
  log.flush();
  EXPECT_EQ(read(kStepsFile), "step,loss,lr\n1,2.5,0.001\n2,2.25,0.002\n3,2,0.003\n");
}

TEST_F(StepLogTest, ResumingDropsTheRowsPastTheCheckpointAndKeepsTheHeader) {
  {
    StepLog first(directory_, 0);
    for (int64_t step = 1; step <= 5; ++step) first.add(step, 1.0 / step, 0.01);
    first.flush();
  }
  // The run flushed steps 4 and 5 but died before saving its checkpoint at step 5: it resumes
  // from the checkpoint at step 3 and takes steps 4 and 5 again.
  StepLog resumed(directory_, 3);
  EXPECT_EQ(read(kStepsFile), "step,loss,lr\n1,1,0.01\n2,0.5,0.01\n3,0.333333,0.01\n");
  resumed.add(4, 0.2, 0.02);
  resumed.flush();
  EXPECT_EQ(read(kStepsFile), "step,loss,lr\n1,1,0.01\n2,0.5,0.01\n3,0.333333,0.01\n4,0.2,0.02\n");
}

TEST_F(StepLogTest, AFreshRunEmptiesALeftoverFile) {
  write(kStepsFile, "step,loss,lr\n1,3,0.1\n2,2,0.1\n");
  StepLog log(directory_, 0);
  EXPECT_EQ(read(kStepsFile), "step,loss,lr\n");
  log.add(1, 4, 0.2);
  log.flush();
  EXPECT_EQ(read(kStepsFile), "step,loss,lr\n1,4,0.2\n");
}

using RunRecordTest = RunDirectory;

TEST_F(RunRecordTest, IsNullWhereTheRunHasNone) {
  EXPECT_TRUE(read_run_record(directory_).is_null());
}

TEST_F(RunRecordTest, KeepsTheFirstRecordAndAppendsEachResumption) {
  const nlohmann::json machine = {{"threads", 2}};
  {
    const Invocation started({"kiln", "train", "copy", "--lr", "0.01"});
    write_run_record(directory_, "sequence", {{"settings", {{"lr", 0.01}}}}, machine, false);
  }
  const nlohmann::json first = read_run_record(directory_);
  EXPECT_EQ(first.at("kind"), "sequence");
  EXPECT_EQ(first.at("command"),
            nlohmann::json(std::vector<std::string>{"kiln", "train", "copy", "--lr", "0.01"}));
  EXPECT_EQ(first.at("config").at("settings").at("lr"), 0.01);
  EXPECT_EQ(first.at("machine"), machine);
  EXPECT_EQ(first.at("started").get<std::string>().size(), 20u);  // 2026-01-02T03:04:05Z
  EXPECT_FALSE(first.contains("resumed"));

  for (const char* epochs : {"6", "8"}) {
    const Invocation resumed({"kiln", "train", "copy", "--resume", "--epochs", epochs});
    write_run_record(directory_, "sequence", {{"settings", {{"lr", 0.5}}}}, machine, true);
  }
  const nlohmann::json record = read_run_record(directory_);
  EXPECT_EQ(record.at("config"), first.at("config"));
  EXPECT_EQ(record.at("command"), first.at("command"));
  ASSERT_EQ(record.at("resumed").size(), 2u);
  EXPECT_EQ(record.at("resumed")[0].at("command").back(), "6");
  EXPECT_EQ(record.at("resumed")[1].at("command").back(), "8");
  EXPECT_TRUE(record.at("resumed")[1].contains("started"));
}

TEST_F(RunRecordTest, AFreshRunReplacesARecordLeftWithoutACheckpoint) {
  write_run_record(directory_, "sequence", {{"settings", {{"lr", 0.01}}}}, {}, false);
  write_run_record(directory_, "tsp", {{"settings", {{"lr", 0.5}}}}, {}, false);
  const nlohmann::json record = read_run_record(directory_);
  EXPECT_EQ(record.at("kind"), "tsp");
  EXPECT_EQ(record.at("config").at("settings").at("lr"), 0.5);
  EXPECT_FALSE(record.contains("resumed"));
}

TEST_F(RunRecordTest, AMalformedFileIsAKilnError) {
  const std::string file = (directory_ / kRunRecordFile).string();
  write(kRunRecordFile, "{\"kind\": \"tsp\",");
  expect_kiln_error({"truncated", [&] { read_run_record(directory_); }, {file, "not valid JSON"}});
  expect_kiln_error({"resumed over it",
                     [&] { write_run_record(directory_, "tsp", {}, {}, true); },
                     {file, "not valid JSON"}});
  write(kRunRecordFile, "{\"epochs\": 3}");
  expect_kiln_error({"no kind", [&] { read_run_record(directory_); }, {file, "no \"kind\""}});
}

// Found by fuzz_run_record: fields of another type than write_run_record gives them reached
// kiln report, which threw nlohmann's exceptions on them rather than a kiln::Error.
TEST_F(RunRecordTest, FieldsOfAnotherTypeAreKilnErrors) {
  const std::string file = (directory_ / kRunRecordFile).string();
  const std::vector<std::pair<std::string, std::string>> records = {
      {R"({"kind": 3})", "\"kind\" is not a string"},
      {R"({"kind": "tsp", "command": "kiln train tsp"})", "\"command\" is not a list of strings"},
      {R"({"kind": "tsp", "command": ["kiln", 2]})", "\"command\" is not a list of strings"},
      {R"({"kind": "tsp", "config": [1]})", "\"config\" is not an object"},
      {R"({"kind": "tsp", "machine": "x"})", "\"machine\" is not an object"},
      {R"({"kind": "tsp", "started": 5})", "\"started\" is not a string"},
      {R"({"kind": "tsp", "resumed": [3]})", "\"resumed\" is not a list"},
      {R"({"kind": "tsp", "resumed": [{"started": []}]})", "\"resumed\" is not a list"}};
  for (const auto& [record, problem] : records) {
    write(kRunRecordFile, record);
    expect_kiln_error({record, [&] { read_run_record(directory_); }, {file, problem}});
  }
}

using RunExamplesTest = RunDirectory;

TEST_F(RunExamplesTest, ReadsBackWhatWasWritten) {
  const RunExamples written{
      .epoch = 7,
      .forecasts = {{.window = 3,
                     .channel = "OT",
                     .lookback = {0.5, -1.25},
                     .truth = {0.75},
                     .prediction = {0.625}}},
      .tours = {{.points = {{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}},
                 .tours = {{.name = "model (greedy)", .tour = {0, 2, 1}, .length = 1.5},
                           {.name = "held_karp", .tour = {0, 1, 2}, .length = 1.25}}}},
      .sequences = {{.input = {4, 5, 6}, .target = {6, 5, 4}, .prediction = {6, 5}}}};
  write_run_examples(directory_, written);
  const std::optional<RunExamples> read = read_run_examples(directory_);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(nlohmann::json(*read), nlohmann::json(written));
  EXPECT_EQ(read->epoch, 7);
  EXPECT_EQ(read->forecasts.at(0).channel, "OT");
  EXPECT_EQ(read->forecasts.at(0).lookback, (std::vector<double>{0.5, -1.25}));
  EXPECT_EQ(read->tours.at(0).points.at(2)[1], 0.6);
  EXPECT_EQ(read->tours.at(0).tours.at(1).name, "held_karp");
  EXPECT_EQ(read->tours.at(0).tours.at(0).tour, (std::vector<int64_t>{0, 2, 1}));
  EXPECT_EQ(read->sequences.at(0).prediction, (std::vector<int64_t>{6, 5}));
}

TEST_F(RunExamplesTest, FieldsLeftOutTakeTheirDefaults) {
  write(kExamplesFile, "{\"epoch\": 2, \"sequences\": [{\"input\": [1]}]}");
  const std::optional<RunExamples> read = read_run_examples(directory_);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->epoch, 2);
  EXPECT_TRUE(read->forecasts.empty());
  ASSERT_EQ(read->sequences.size(), 1u);
  EXPECT_TRUE(read->sequences[0].target.empty());
}

TEST_F(RunExamplesTest, IsNothingWhereTheRunHasNone) {
  EXPECT_FALSE(read_run_examples(directory_).has_value());
}

TEST_F(RunExamplesTest, AMalformedFileIsAKilnError) {
  const std::string file = (directory_ / kExamplesFile).string();
  write(kExamplesFile, "{\"epoch\": ");
  expect_kiln_error(
      {"truncated", [&] { read_run_examples(directory_); }, {file, "not a kiln examples file"}});
  write(kExamplesFile, "{\"epoch\": \"seven\"}");
  expect_kiln_error(
      {"wrong type", [&] { read_run_examples(directory_); }, {file, "not a kiln examples file"}});
}

// Found by fuzz_run_examples (fuzz/corpus/run_examples/regression_tour_node_outside_instance.json):
// a tour visiting node 5 of an instance of 3 points made kiln report read past the points.
TEST_F(RunExamplesTest, ATourVisitingAPointTheInstanceLacksIsAKilnError) {
  const std::string file = (directory_ / kExamplesFile).string();
  for (const int node : {5, 3, -1}) {
    write(kExamplesFile, R"({"tours": [{"points": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]],
                                        "tours": [{"name": "model", "tour": [)" +
                             std::to_string(node) + R"(, 1, 2]}]}]})");
    expect_kiln_error({"node " + std::to_string(node),
                       [&] { read_run_examples(directory_); },
                       {file, "tour 'model' visits node " + std::to_string(node) +
                                  " of an instance of 3 points"}});
  }
}

// Records nested 100,000 levels deep parsed, then overflowed the stack where kiln report printed
// the config or copied the examples (found past the fuzzer's input sizes).
TEST_F(RunRecordTest, NestingDeeperThanTheLimitIsAKilnError) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  write(kRunRecordFile, R"({"kind": "tsp", "config": {"a": )" + deep + "}}");
  expect_kiln_error({"run.json",
                     [&] { read_run_record(directory_); },
                     {kRunRecordFile, "JSON nested deeper than"}});
  write(kExamplesFile, R"({"unknown": )" + deep + "}");
  expect_kiln_error({"examples.json",
                     [&] { read_run_examples(directory_); },
                     {kExamplesFile, "JSON nested deeper than"}});
}

// Found by fuzz_run_examples (fuzz/corpus/run_examples/regression_float_epoch.json): a float
// where an integer belongs was cast to it, undefined beyond int64's range.
TEST_F(RunExamplesTest, AFloatWhereAnIntegerBelongsIsAKilnError) {
  const std::string file = (directory_ / kExamplesFile).string();
  const std::vector<std::pair<std::string, std::string>> examples = {
      {R"({"epoch": 16666666671666666667166666})", "epoch holds 1.6666666671666667e+25"},
      {R"({"forecasts": [{"window": 1e300}]})", "forecasts[0].window holds 1e+300"},
      {R"({"tours": [{"points": [[0, 0]], "tours": [{"tour": [0.5]}]}]})",
       "tours[0].tours[0].tour[0] holds 0.5"},
      {R"({"sequences": [{"target": [1, 2, -9e99]}]})", "sequences[0].target[2] holds -9e+99"}};
  for (const auto& [text, problem] : examples) {
    write(kExamplesFile, text);
    expect_kiln_error({text, [&] { read_run_examples(directory_); }, {file, problem}});
  }
}

}  // namespace
}  // namespace kiln::tools
