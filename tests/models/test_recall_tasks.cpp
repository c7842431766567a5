// The recall tasks of Mamba (selective_copy, induction): what a source holds, its answer, the
// batches a decoder-only model reads, determinism from the seed, and refused options.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "models/tasks.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

bool is_symbol(const SequenceTask& task, int64_t token) {
  return token >= Tokens::kFirstDigit && token < Tokens::kFirstDigit + task.options().base;
}

TEST(RecallTasks, SelectiveCopyHidesItsDataTokensInNoiseAndAsksForThemInOrder) {
  const SequenceTask task("selective_copy", {.base = 16, .length = 64, .data_tokens = 8});
  EXPECT_EQ(task.vocab(), Tokens::kFirstDigit + 16 + 2);
  EXPECT_EQ(task.decoder_layout(), DecoderLayout::kAtQueries);
  EXPECT_TRUE(task.scored_by_token());
  EXPECT_EQ(task.max_source_length(), 64);
  EXPECT_EQ(task.max_target_length(), 8);
  Generator generator(7);
  std::vector<int64_t> first_positions;
  for (const Example& e : task.samples(generator, 200, false)) {
    ASSERT_EQ(e.source.size(), 64u);
    EXPECT_EQ(task.query_count(e.source), 8);
    std::vector<int64_t> symbols;
    for (size_t i = 0; i < 56; ++i) {
      if (is_symbol(task, e.source[i])) {
        symbols.push_back(e.source[i]);
      } else {
        EXPECT_EQ(e.source[i], task.noise_token()) << "position " << i;
      }
    }
    EXPECT_EQ(symbols, e.target);
    EXPECT_EQ(e.target.size(), 8u);
    first_positions.push_back(std::find_if(e.source.begin(), e.source.end(),
                                           [&](int64_t t) { return is_symbol(task, t); }) -
                              e.source.begin());
  }
  // The positions are random, not a fixed pattern.
  EXPECT_GT(std::set<int64_t>(first_positions.begin(), first_positions.end()).size(), 10u);
}

TEST(RecallTasks, InductionPlacesOneTriggerAndItsKeyAndAsksAtTheEnd) {
  const SequenceTask task("induction", {.base = 16, .length = 32});
  EXPECT_FALSE(task.scored_by_token());
  EXPECT_EQ(task.max_target_length(), 1);
  Generator generator(3);
  std::set<size_t> trigger_positions;
  for (const Example& e : task.samples(generator, 300, false)) {
    ASSERT_EQ(e.source.size(), 32u);
    EXPECT_EQ(e.source.back(), task.query_token());
    EXPECT_EQ(task.query_count(e.source), 1);
    const auto trigger = std::find(e.source.begin(), e.source.end(), task.query_token());
    ASSERT_LT(trigger, e.source.end() - 2) << "the trigger needs its key before the end";
    EXPECT_EQ(std::count(e.source.begin(), e.source.end() - 1, task.query_token()), 1);
    EXPECT_EQ(e.target, (std::vector<int64_t>{*(trigger + 1)}));
    EXPECT_TRUE(is_symbol(task, e.target[0]));
    for (auto it = e.source.begin(); it != e.source.end() - 1; ++it) {
      if (it != trigger) {
        EXPECT_TRUE(is_symbol(task, *it));
      }
    }
    trigger_positions.insert(static_cast<size_t>(trigger - e.source.begin()));
  }
  EXPECT_EQ(*trigger_positions.begin(), 0u);
  EXPECT_EQ(*trigger_positions.rbegin(), 29u);
}

TEST(RecallTasks, TheSeedDecidesEveryExample) {
  for (const std::string name : {"selective_copy", "induction"}) {
    const SequenceTask task(name, {.length = 40, .data_tokens = 4});
    Generator a(11), b(11), c(12);
    const auto from_a = task.samples(a, 20, false), from_b = task.samples(b, 20, false),
               from_c = task.samples(c, 20, false);
    for (size_t i = 0; i < from_a.size(); ++i) {
      EXPECT_EQ(from_a[i].source, from_b[i].source) << name;
      EXPECT_EQ(from_a[i].target, from_b[i].target) << name;
    }
    EXPECT_NE(from_a[0].source, from_c[0].source) << name;
    EXPECT_EQ(a.offset(), b.offset()) << name;
  }
}

TEST(RecallTasks, TheLossReadsTheAnswerAtTheQueries) {
  const SequenceTask task("selective_copy", {.base = 4, .length = 6, .data_tokens = 2});
  const int64_t noise = task.noise_token(), query = task.query_token();
  const std::vector<Example> examples = {{{noise, 5, noise, 7, query, query}, {5, 7}}};
  const DecoderBatch batch = task.decoder_batch(examples, -100);
  EXPECT_EQ(batch.inputs.to_vector<int64_t>(), examples[0].source);
  EXPECT_EQ(batch.targets.to_vector<int64_t>(),
            (std::vector<int64_t>{-100, -100, -100, -100, 5, 7}));
  EXPECT_EQ(task.solve(examples[0].source), examples[0].target);
  const SequenceTask induction("induction", {.base = 4, .length = 5});
  const int64_t trigger = induction.query_token();
  EXPECT_EQ(induction.solve({6, trigger, 8, 5, trigger}), (std::vector<int64_t>{8}));
  EXPECT_NE(testing::error_of([&] {
              induction.solve({6, 7, trigger});
            }).find("needs a trigger"),
            std::string::npos);
}

TEST(RecallTasks, OptionsThatDescribeNoTaskAreRefused) {
  auto error = [](const std::string& name, const TaskOptions& options) {
    return testing::error_of([&] { SequenceTask(name, options); });
  };
  EXPECT_NE(error("selective_copy", {.length = 31, .data_tokens = 16})
                .find("selective_copy needs data_tokens >= 1 and length >= 2 x data_tokens"),
            std::string::npos);
  EXPECT_NE(error("selective_copy", {.length = 32, .data_tokens = 0}).find("data_tokens 0"),
            std::string::npos);
  EXPECT_NE(error("induction", {.length = 2}).find("induction needs length >= 3"),
            std::string::npos);
  EXPECT_NE(error("induction", {.length = SequenceTask::kMaxRecallLength + 1})
                .find("task length must be at most"),
            std::string::npos);
  EXPECT_NE(error("induction", {.base = 1}).find("task base must be in [2, 64]"),
            std::string::npos);
  EXPECT_NE(error("recall", {}).find("selective_copy and induction"), std::string::npos);
}

}  // namespace
}  // namespace kiln::models
