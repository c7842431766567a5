// SequenceModel's mamba kind: its config round-trips through JSON, its optimizer groups are
// mamba_ssm's, a few AdamW steps lower its loss, and answers read through the recurrent step
// are the full forward's, at the trained length and at a longer one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/testing.h"
#include "tools/sequence_model.h"

namespace kiln::tools {
namespace {

using models::Example;
using models::SequenceTask;

SequenceModel small_mamba(const SequenceTask& task) {
  manual_seed(5);
  return SequenceModel(SequenceModel::make_config(
      "mamba", task, {.d_model = 16, .layers = 2, .d_state = 8, .d_conv = 3, .expand = 2}));
}

TEST(SequenceModelMamba, ConfigRoundTripsThroughJson) {
  const SequenceTask task("induction", {.base = 8, .length = 24});
  SequenceModel model = small_mamba(task);
  const nlohmann::json config = model.config();
  EXPECT_EQ(config.at("kind"), "mamba");
  const auto mamba = config.at("model").get<models::MambaConfig>();
  EXPECT_EQ(mamba.vocab_size, task.vocab());
  EXPECT_EQ(mamba.d_model, 16);
  EXPECT_EQ(mamba.n_layer, 2);
  EXPECT_EQ(mamba.d_state, 8);
  EXPECT_EQ(mamba.d_conv, 3);
  EXPECT_EQ(config.at("task_options").at("length"), 24);
  SequenceModel rebuilt(nlohmann::json::parse(config.dump()));
  EXPECT_EQ(rebuilt.config(), config);
  EXPECT_EQ(rebuilt.task().options().length, 24);
  EXPECT_EQ(rebuilt.task().options().base, 8);
  EXPECT_EQ(rebuilt.module().parameter_count(), model.module().parameter_count());
  EXPECT_NE(testing::error_of([&] {
              SequenceModel::make_config("mamba", task, {.dropout = 0.1});
            }).find("mamba has no dropout"),
            std::string::npos);
  EXPECT_NE(testing::error_of([&] {
              SequenceModel::make_config("mamba", task, {.d_state = 0});
            }).find("d_state"),
            std::string::npos);
}

TEST(SequenceModelMamba, OptimizerGroupsKeepALogAndDFromWeightDecay) {
  SequenceModel model = small_mamba(SequenceTask("induction", {.length = 8}));
  const auto groups = model.param_groups({.lr = 1e-3, .weight_decay = 0.1});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].options.weight_decay, 0.1);
  EXPECT_EQ(groups[1].options.weight_decay, 0);
  EXPECT_EQ(groups[1].params.size(), 4u);  // A_log and D of two layers
  EXPECT_EQ(groups[0].params.size() + groups[1].params.size(), model.module().parameters().size());
}

TEST(SequenceModelMamba, AFewStepsLowerTheLoss) {
  const SequenceTask task("selective_copy", {.base = 4, .length = 16, .data_tokens = 2});
  SequenceModel model = small_mamba(task);
  Generator data(9);
  const std::vector<Example> batch = task.samples(data, 16, false);
  optim::AdamW optimizer(model.param_groups({.lr = 1e-2}));
  int64_t tokens = 0;
  double first = 0, last = 0;
  for (int step = 0; step < 15; ++step) {
    optimizer.zero_grad();
    const Tensor loss = model.loss(batch, kCPU, tokens);
    loss.backward();
    optimizer.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_EQ(tokens, 32);  // two answer tokens per example
  EXPECT_LT(last, 0.8 * first);
}

// The answers read through the recurrent step are the argmax of the full forward's logits
// at the queries, also at four times the trained length.
TEST(SequenceModelMamba, AnswersThroughTheStepAreTheForwardsAtAnyLength) {
  SequenceModel model =
      small_mamba(SequenceTask("selective_copy", {.length = 16, .data_tokens = 3}));
  model.module().eval();
  for (int64_t length : {16, 64}) {
    const SequenceTask task("selective_copy", {.length = length, .data_tokens = 3});
    Generator generator(4);
    const std::vector<Example> examples = task.samples(generator, 6, true);
    std::vector<std::vector<int64_t>> sources;
    std::vector<int64_t> flat;
    for (const Example& e : examples) {
      sources.push_back(e.source);
      flat.insert(flat.end(), e.source.begin(), e.source.end());
    }
    const auto answers = model.answer(sources, kCPU);
    NoGradGuard no_grad;
    auto& mamba = dynamic_cast<models::MambaLMHeadModel&>(model.module());
    const Tensor best = mamba.forward(from_vector(flat, {6, length}))
                            .narrow(1, length - 3, 3)
                            .argmax(-1)
                            .contiguous();
    const std::vector<int64_t> expected = best.to_vector<int64_t>();
    for (size_t r = 0; r < answers.size(); ++r)
      EXPECT_EQ(answers[r],
                std::vector<int64_t>(expected.begin() + 3 * r, expected.begin() + 3 * r + 3))
          << "length " << length << ", row " << r;
    const Scores scores = model.score(examples, kCPU, 4);
    EXPECT_GE(scores.token_accuracy, 0);
    EXPECT_LE(scores.token_accuracy, 1);
  }
}

// Rows of different prompt lengths decode in groups and keep their order.
TEST(SequenceModelMamba, DecodesAfterTheSeparatorRowByRow) {
  const SequenceTask task("copy", {.min_length = 2, .max_length = 5});
  SequenceModel model = small_mamba(task);
  model.module().eval();
  const std::vector<std::vector<int64_t>> sources = {{5, 6}, {7, 8, 9}, {5, 5}};
  const auto together = model.answer(sources, kCPU);
  for (size_t i = 0; i < sources.size(); ++i)
    EXPECT_EQ(model.answer({sources[i]}, kCPU)[0], together[i]);
  EXPECT_NE(testing::error_of([&] {
              model.answer(sources, kCPU, {.beam_size = 2});
            }).find("beam search is for the transformer"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::tools
