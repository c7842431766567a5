// The reference models against PyTorch (same weights by name: logits, loss, every parameter
// gradient, ten AdamW steps), the causal property, decoding, and the synthetic tasks.
#include <gtest/gtest.h>

#include <set>

#include "autograd/functions.h"
#include "golden.h"
#include "models/gpt.h"
#include "models/tasks.h"
#include "models/transformer.h"
#include "optim/adam.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::Golden;

// float32 through two layers: outputs to 1e-5 relative (1e-5 absolute for the elements near
// zero among logits of order 1 to 10, whose rounding differs between builds), gradients
// (sums over the batch) and the ten-step losses to 1e-4.
constexpr double kRtol = 1e-5, kAtol = 1e-5, kGradRtol = 1e-4, kGradAtol = 1e-6;

GPTConfig small_gpt() {
  return {.vocab = 11, .context = 16, .d_model = 16, .heads = 2, .layers = 2};
}

TransformerConfig small_transformer(bool pre_norm, bool share) {
  return {.source_vocab = 13,
          .target_vocab = 13,
          .d_model = 16,
          .heads = 2,
          .encoder_layers = 2,
          .decoder_layers = 2,
          .d_ff = 32,
          .dropout = 0,
          .max_length = 64,
          .pre_norm = pre_norm,
          .share_embeddings = share,
          .label_smoothing = 0.1};
}

// Compares logits, loss, gradients and ten AdamW steps' losses with the fixture.
void check_model(const std::string& name, nn::Module& model,
                 const std::function<Tensor()>& logits_of,
                 const std::function<Tensor(const Tensor&)>& loss_of) {
  const Golden golden(name, "models");
  model.load_state_dict(golden.with_prefix("param."));
  const Tensor logits = logits_of();
  golden.expect_close(logits, "logits", kRtol, kAtol);
  const Tensor loss = loss_of(logits);
  golden.expect_close(loss, "loss", kRtol, kAtol);
  loss.backward();
  for (const auto& [pname, p] : model.named_parameters())
    golden.expect_close(p.grad(), "grad." + pname, kGradRtol, kGradAtol);
  optim::AdamW adamw(model.parameters(), {.lr = 1e-2});
  std::vector<float> losses;
  for (int step = 0; step < 10; ++step) {
    adamw.zero_grad();
    const Tensor step_loss = loss_of(logits_of());
    step_loss.backward();
    adamw.step();
    losses.push_back(step_loss.item<float>());
  }
  golden.expect_close(from_vector(losses, {10}), "adamw_losses", kGradRtol, kGradAtol);
}

TEST(GPT, MatchesPyTorch) {
  GPT gpt(small_gpt());
  const Golden golden("gpt", "models");
  const Tensor tokens = golden["batch.0"], targets = golden["batch.1"];
  check_model(
      "gpt", gpt, [&] { return gpt.forward(tokens); },
      [&](const Tensor& logits) { return gpt.loss(logits, targets); });
}

TEST(Transformer, PostNormMatchesPyTorch) {
  Transformer model(small_transformer(false, false));
  const Golden golden("transformer_post_norm", "models");
  check_model(
      "transformer_post_norm", model,
      [&] { return model.forward(golden["batch.0"], golden["batch.1"]); },
      [&](const Tensor& logits) { return model.loss(logits, golden["batch.2"]); });
}

TEST(Transformer, PreNormWithSharedEmbeddingsMatchesPyTorch) {
  Transformer model(small_transformer(true, true));
  // One matrix for both embeddings and the output layer: listed once among parameters.
  EXPECT_EQ(model.source_embedding->weight.impl_ptr(), model.generator->parameters()[0].impl_ptr());
  const Golden golden("transformer_pre_norm_shared", "models");
  check_model(
      "transformer_pre_norm_shared", model,
      [&] { return model.forward(golden["batch.0"], golden["batch.1"]); },
      [&](const Tensor& logits) { return model.loss(logits, golden["batch.2"]); });
}

TEST(GPT, ChangingALaterTokenLeavesEarlierLogitsUnchanged) {
  GPT gpt(small_gpt());
  const Tensor tokens = tensor<int64_t>({{3, 1, 4, 1, 5, 9, 2, 6}});
  for (int64_t t = 0; t + 1 < tokens.size(1); ++t) {
    Tensor changed = tokens.clone();
    changed.narrow(1, t + 1, 1).fill_((tokens.narrow(1, t + 1, 1).item<int64_t>() + 1) % 11);
    const Tensor before = gpt.forward(tokens).narrow(1, 0, t + 1);
    const Tensor after = gpt.forward(changed).narrow(1, 0, t + 1);
    EXPECT_EQ(before.to_vector<float>(), after.to_vector<float>()) << "position " << t + 1;
    EXPECT_NE(gpt.forward(tokens).narrow(1, t + 1, 1).to_vector<float>(),
              gpt.forward(changed).narrow(1, t + 1, 1).to_vector<float>());
  }
}

TEST(Transformer, DecoderIsCausalAndSourcePaddingIsIgnored) {
  Transformer model(small_transformer(false, false));
  model.eval();
  const Tensor source = tensor<int64_t>({{5, 6, 7, 8}});
  const Tensor target = tensor<int64_t>({{1, 9, 10, 11, 12}});
  Tensor changed = target.clone();
  changed.narrow(1, 3, 1).fill_(5);
  EXPECT_EQ(model.forward(source, target).narrow(1, 0, 3).to_vector<float>(),
            model.forward(source, changed).narrow(1, 0, 3).to_vector<float>());
  // Extra padding after the source changes nothing (up to rounding).
  const Tensor padded_source = tensor<int64_t>({{5, 6, 7, 8, 0, 0}});
  testing::expect_same(model.forward(padded_source, target), model.forward(source, target), 1e-5,
                       1e-6);
}

TEST(Transformer, BeamOfOneIsGreedyAndAWideBeamIsExhaustive) {
  manual_seed(5);
  Transformer model(small_transformer(false, false));
  model.eval();
  const Tensor source = tensor<int64_t>({{5, 6, 7, 8, 9}, {9, 8, 7, 0, 0}});
  const Tensor greedy = model.greedy_decode(source, Tokens::kBos, Tokens::kEos, 6);
  const Tensor beam1 = model.beam_search(source, Tokens::kBos, Tokens::kEos, 6, 1, 0.0);
  EXPECT_EQ(greedy.to_vector<int64_t>(), beam1.to_vector<int64_t>());
  // The sum of log-probabilities of a decoded row under the model (alpha = 0: no penalty).
  auto log_probability = [&](const Tensor& row_source, const std::vector<int64_t>& tokens) {
    std::vector<int64_t> in = {Tokens::kBos};
    in.insert(in.end(), tokens.begin(), tokens.end() - 1);
    const auto length = static_cast<int64_t>(tokens.size());
    const Tensor log_p =
        log_softmax(model.forward(row_source, from_vector(in, {1, length})), -1).squeeze(0);
    double total = 0;
    for (int64_t t = 0; t < length; ++t)
      total += log_p.select(0, t).select(0, tokens[static_cast<size_t>(t)]).item<double>();
    return total;
  };
  // With a beam wide enough to keep every candidate, the search is exhaustive: over two
  // steps it must find the best of [EOS] and every [a, b] with a != EOS.
  const Tensor row_source = source.narrow(0, 0, 1);
  const Tensor wide = model.beam_search(row_source, Tokens::kBos, Tokens::kEos, 2, 13 * 13, 0.0);
  std::vector<int64_t> best = {Tokens::kEos};
  double best_score = log_probability(row_source, best);
  for (int64_t a = 0; a < 13; ++a) {
    if (a == Tokens::kEos) continue;
    for (int64_t b = 0; b < 13; ++b) {
      const double score = log_probability(row_source, {a, b});
      if (score > best_score) {
        best_score = score;
        best = {a, b};
      }
    }
  }
  std::vector<int64_t> found = wide.select(0, 0).to_vector<int64_t>();
  if (found.size() > best.size()) found.resize(best.size());
  EXPECT_EQ(found, best);
}

TEST(GPT, GenerationIsGreedyAtZeroTemperatureAndReproducibleWhenSampling) {
  GPT gpt(small_gpt());
  const Tensor prompt = tensor<int64_t>({{3, 1, 4}, {1, 5, 9}});
  const Tensor greedy = gpt.generate(prompt, 5, 0.0);
  EXPECT_EQ(greedy.shape(), Shape({2, 8}));
  EXPECT_EQ(greedy.narrow(1, 0, 3).to_vector<int64_t>(), prompt.to_vector<int64_t>());
  EXPECT_EQ(gpt.generate(prompt, 5, 1.5, 1).to_vector<int64_t>(), greedy.to_vector<int64_t>());
  Generator a(3), b(3);
  EXPECT_EQ(gpt.generate(prompt, 5, 1.0, 4, std::nullopt, &a).to_vector<int64_t>(),
            gpt.generate(prompt, 5, 1.0, 4, std::nullopt, &b).to_vector<int64_t>());
}

TEST(Tasks, SolveTheirProblemsAndKeepTheHeldOutSplitApart) {
  Generator generator(1);
  for (const std::string& name : SequenceTask::names()) {
    const SequenceTask task(name, {.min_length = 3, .max_length = 6});
    std::set<std::vector<int64_t>> training;
    for (const Example& e : task.samples(generator, 500, false)) training.insert(e.source);
    for (const Example& e : task.samples(generator, 200, true))
      EXPECT_FALSE(training.contains(e.source)) << name;
  }
  const SequenceTask reverse("reverse", {.min_length = 3, .max_length = 3});
  const Example e = reverse.sample(generator, false);
  EXPECT_EQ(e.target, std::vector<int64_t>(e.source.rbegin(), e.source.rend()));
  // 9 + 1 = 10 in digit tokens (digit d is token 5 + d).
  const SequenceTask add("add", {.min_length = 1, .max_length = 2});
  std::vector<int64_t> digits;
  for (int trial = 0; trial < 200; ++trial) {
    const Example sum = add.sample(generator, false);
    auto value = [](auto begin, auto end) {
      int64_t v = 0;
      for (auto it = begin; it != end; ++it) v = 10 * v + (*it - Tokens::kFirstDigit);
      return v;
    };
    const auto plus = std::find(sum.source.begin(), sum.source.end(), Tokens::kPlus);
    EXPECT_EQ(value(sum.source.begin(), plus) + value(plus + 1, sum.source.end()),
              value(sum.target.begin(), sum.target.end()));
  }
  EXPECT_NE(testing::error_of([] { SequenceTask("divide"); }).find("unknown task 'divide'"),
            std::string::npos);
}

TEST(Tasks, BatchesArePaddedAndMarkWhatTheLossIgnores) {
  const SequenceTask copy("copy", {.min_length = 2, .max_length = 3});
  const std::vector<Example> examples = {{{5, 6}, {5, 6}}, {{7, 8, 9}, {7, 8, 9}}};
  const Seq2SeqBatch batch = copy.seq2seq_batch(examples);
  EXPECT_EQ(batch.source.to_vector<int64_t>(), (std::vector<int64_t>{5, 6, 0, 7, 8, 9}));
  EXPECT_EQ(batch.target_in.to_vector<int64_t>(), (std::vector<int64_t>{1, 5, 6, 0, 1, 7, 8, 9}));
  EXPECT_EQ(batch.target_out.to_vector<int64_t>(), (std::vector<int64_t>{5, 6, 2, 0, 7, 8, 9, 2}));
  const DecoderBatch decoder = copy.decoder_batch(examples, -100);
  // Rows: 5 6 SEP 5 6 EOS / 7 8 9 SEP 7 8 9 EOS.
  EXPECT_EQ(decoder.inputs.to_vector<int64_t>(),
            (std::vector<int64_t>{5, 6, 3, 5, 6, 0, 0, 7, 8, 9, 3, 7, 8, 9}));
  EXPECT_EQ(decoder.targets.to_vector<int64_t>(),
            (std::vector<int64_t>{-100, -100, 5, 6, 2, -100, -100, -100, -100, -100, 7, 8, 9, 2}));
}

}  // namespace
}  // namespace kiln::models
