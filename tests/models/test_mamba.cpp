// Mamba against its PyTorch twin (bench/pytorch/mamba_twin.py, checked against mamba_ssm's own
// code): the same weights by mamba_ssm's names give the same logits, loss, parameter gradients
// and ten AdamW steps; recurrent decoding gives the full forward's logits; the initialisation
// is mamba_ssm's; configs round-trip through JSON and bad ones are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "golden.h"
#include "models/mamba.h"
#include "optim/adam.h"
#include "tensor/creation.h"
#include "tensor/io/safetensors.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::Golden;

// float32 through two layers of 9-step scans: logits and loss to 1e-5 relative, gradients
// (sums over the batch and the steps) and the ten-step losses to 1e-4. A gradient's elements
// near zero get an absolute tolerance of 1e-5 of its largest: the step's parameters
// (dt_proj, A_log) have gradients of order 1e-7, which any fixed atol would swallow.
constexpr double kRtol = 1e-5, kAtol = 1e-5, kGradRtol = 1e-4, kGradAtol = 1e-6;
constexpr double kGradAtolOfLargest = 1e-5;

std::string fixture_path() {
  return std::string(KILN_FIXTURES_DIR) + "/models/mamba_lm.safetensors";
}

// What the fixture's metadata says of the twin: its config and name lists.
nlohmann::json fixture_metadata(const std::string& key) {
  return nlohmann::json::parse(load_safetensors(fixture_path()).metadata.at("twin")).at(key);
}

MambaConfig small_config() {
  return {.d_model = 16, .n_layer = 2, .vocab_size = 11, .d_state = 4};
}

std::vector<std::string> names_of(const std::vector<std::pair<std::string, Tensor>>& named) {
  std::vector<std::string> names;
  for (const auto& [name, value] : named) names.push_back(name);
  return names;
}

TEST(Mamba, MatchesPyTorch) {
  MambaLMHeadModel model(fixture_metadata("config").get<MambaConfig>());
  const Golden golden("mamba_lm", "models");
  model.load_state_dict(golden.with_prefix("param."));
  const Tensor tokens = golden["batch.0"], targets = golden["batch.1"];
  const Tensor logits = model.forward(tokens);
  golden.expect_close(logits, "logits", kRtol, kAtol);
  const Tensor loss = model.loss(logits, targets);
  golden.expect_close(loss, "loss", kRtol, kAtol);
  loss.backward();
  for (const auto& [name, param] : model.named_parameters()) {
    const double largest = golden["grad." + name].abs().amax().item<double>();
    golden.expect_close(param.grad(), "grad." + name, kGradRtol, kGradAtolOfLargest * largest);
  }
  // AdamW with A_log and D kept out of weight decay, as the twin's two groups.
  optim::AdamW adamw(model.param_groups(optim::AdamWOptions{.lr = 1e-2, .weight_decay = 0.1}));
  std::vector<float> losses;
  for (int step = 0; step < 10; ++step) {
    adamw.zero_grad();
    const Tensor step_loss = model.loss(model.forward(tokens), targets);
    step_loss.backward();
    adamw.step();
    losses.push_back(step_loss.item<float>());
  }
  golden.expect_close(from_vector(losses, {10}), "adamw_losses", kGradRtol, kGradAtol);
}

TEST(Mamba, ParameterNamesAreMambaSsms) {
  const MambaLMHeadModel model(small_config());
  // Every state dict key (lm_head.weight, the tied embedding, included), and the parameters
  // in PyTorch's order: a module's own before its children's, depth first.
  std::set<std::string> keys;
  for (const auto& [name, value] : model.state_dict()) keys.insert(name);
  std::set<std::string> fixture_keys;
  for (const auto& [name, value] : Golden("mamba_lm", "models").with_prefix("param."))
    fixture_keys.insert(name);
  EXPECT_EQ(keys, fixture_keys);
  EXPECT_EQ(names_of(model.named_parameters()),
            fixture_metadata("named_parameters").get<std::vector<std::string>>());
  EXPECT_EQ(model.no_weight_decay(),
            fixture_metadata("no_weight_decay").get<std::set<std::string>>());
  // The output layer is the embedding, one parameter under two names.
  EXPECT_TRUE(
      model.state_dict().at("lm_head.weight").shares_storage(model.backbone->embedding->weight));
}

TEST(Mamba, UntiedHeadIsAParameterOfItsOwn) {
  MambaConfig config = small_config();
  config.tie_embeddings = false;
  const MambaLMHeadModel model(config);
  const std::vector<std::string> names = names_of(model.named_parameters());
  EXPECT_EQ(names.back(), "lm_head.weight");
  EXPECT_FALSE(
      model.state_dict().at("lm_head.weight").shares_storage(model.backbone->embedding->weight));
}

TEST(Mamba, ParamGroupsKeepALogAndDOutOfWeightDecay) {
  const MambaLMHeadModel model(small_config());
  const auto groups = model.param_groups(optim::AdamWOptions{.weight_decay = 0.1});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].options.weight_decay, 0.1);
  EXPECT_EQ(groups[1].options.weight_decay, 0);
  EXPECT_EQ(groups[1].params.size(), 4u);  // A_log and D of two layers
  EXPECT_EQ(groups[0].params.size() + groups[1].params.size(), model.parameters().size());
}

// Decodes `tokens` [B, L] one position at a time from an empty cache, and again after a
// prefill of the first `prefix` tokens; both must give the full forward's logits.
void expect_decoding_matches_forward(MambaLMHeadModel& model, const Tensor& tokens, int64_t prefix,
                                     double rtol, double atol) {
  NoGradGuard no_grad;
  const Tensor full = model.forward(tokens);
  const int64_t length = tokens.size(1);
  MambaInferenceCache cache = model.allocate_inference_cache(tokens.size(0));
  for (int64_t t = 0; t < length; ++t) {
    SCOPED_TRACE("step " + std::to_string(t));
    testing::expect_same(model.step(tokens.select(1, t), cache), full.select(1, t), rtol, atol);
  }
  MambaInferenceCache prefilled;
  testing::expect_same(model.forward(tokens.narrow(1, 0, prefix), prefilled),
                       full.narrow(1, 0, prefix), rtol, atol);
  for (int64_t t = prefix; t < length; ++t) {
    SCOPED_TRACE("step " + std::to_string(t) + " after a prefill of " + std::to_string(prefix));
    testing::expect_same(model.step(tokens.select(1, t), prefilled), full.select(1, t), rtol, atol);
  }
}

TEST(Mamba, StepDecodingGivesTheFullForwardsLogits) {
  const Tensor tokens =
      tensor<int64_t>({{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}, {2, 7, 1, 8, 2, 8, 1, 8, 2, 8}});
  // d_conv 1: a convolution of the current input alone; d_conv 4, mamba_ssm's default.
  for (const int64_t d_conv : {1, 4}) {
    SCOPED_TRACE("d_conv " + std::to_string(d_conv));
    manual_seed(3);
    MambaConfig config = small_config();
    config.d_conv = d_conv;
    MambaLMHeadModel model(config);
    {
      SCOPED_TRACE("float32");
      expect_decoding_matches_forward(model, tokens, 5, 1e-5, 1e-5);
    }
    model.to(kFloat64);
    {
      // Only the order of the sums differs. A prefill of 2 tokens is shorter than the
      // convolution's window of 4: its state starts with zeros.
      SCOPED_TRACE("float64");
      expect_decoding_matches_forward(model, tokens, 2, 1e-12, 1e-12);
    }
  }
}

TEST(Mamba, ChangingALaterTokenLeavesEarlierLogitsUnchanged) {
  manual_seed(4);
  MambaLMHeadModel model(small_config());
  const Tensor tokens = tensor<int64_t>({{3, 1, 4, 1, 5, 9, 2, 6}});
  Tensor changed = tokens.clone();
  changed.narrow(1, 5, 1).fill_(0);
  const Tensor before = model.forward(tokens), after = model.forward(changed);
  testing::expect_same(after.narrow(1, 0, 5), before.narrow(1, 0, 5), 0, 0);
  EXPECT_NE(after.narrow(1, 5, 1).to_vector<float>(), before.narrow(1, 5, 1).to_vector<float>());
}

TEST(Mamba, InitialisationFollowsMambaSsm) {
  manual_seed(5);
  const MambaConfig config{.d_model = 64,
                           .n_layer = 4,
                           .vocab_size = 50,
                           .d_state = 8,
                           .dt_min = 1e-5,  // below the floor, to see it
                           .dt_max = 1e-1,
                           .dt_init_floor = 1e-4,
                           .dt_scale = 2.0,
                           .bias = true};
  const MambaLMHeadModel model(config);
  const int64_t d_inner = config.d_inner(), dt_rank = config.resolved_dt_rank();
  EXPECT_EQ(dt_rank, 4);
  auto max_abs = [](const Tensor& t) { return t.abs().amax().item<double>(); };
  const std::vector<double> log_n = arange(1, 9, 1, {.dtype = kFloat64}).log().to_vector<double>();
  for (size_t i = 0; i < model.backbone->layers->size(); ++i) {
    SCOPED_TRACE("layer " + std::to_string(i));
    const auto& mixer = model.backbone->layers->at<MambaBlock>(i)->mixer;
    // S4D-real: A_log[d, n] = log(n + 1) in every channel; the skip D is 1.
    const Tensor A_log = mixer->A_log.to(kFloat64);
    for (int64_t d = 0; d < d_inner; ++d)
      testing::expect_values(A_log.select(0, d), log_n, 1e-7, 0);
    EXPECT_EQ(mixer->D.to_vector<float>(), std::vector<float>(d_inner, 1.0f));
    // softplus(dt bias) log-uniform in [dt_min, dt_max], floored at dt_init_floor.
    const Tensor dt = softplus(mixer->dt_proj->bias.to(kFloat64));
    EXPECT_GE(dt.amin().item<double>(), config.dt_init_floor * (1 - 1e-5));
    EXPECT_LE(dt.amax().item<double>(), config.dt_max * (1 + 1e-5));
    // A quarter of log-uniform draws in [1e-5, 1e-1] fall below 1e-4 and are floored there.
    const double log_floor = std::log(config.dt_init_floor), log_max = std::log(config.dt_max);
    EXPECT_NEAR(dt.log().mean().item<double>(), 0.25 * log_floor + 0.75 * (log_floor + log_max) / 2,
                0.5);
    EXPECT_GT(sum(lt(dt, config.dt_init_floor * (1 + 1e-5)).to(kInt64)).item<int64_t>(), 0);
    EXPECT_LE(max_abs(mixer->dt_proj->weight), config.dt_scale / std::sqrt(double(dt_rank)));
    EXPECT_GT(max_abs(mixer->dt_proj->weight), 0.9 * config.dt_scale / std::sqrt(double(dt_rank)));
    // out_proj: PyTorch's default divided by sqrt(n_layer); the Linear biases zero.
    const double out_bound = 1 / std::sqrt(double(d_inner * config.n_layer));
    EXPECT_LE(max_abs(mixer->out_proj->weight), out_bound);
    EXPECT_GT(max_abs(mixer->out_proj->weight), 0.9 * out_bound);
    EXPECT_NEAR(mixer->out_proj->weight.to(kFloat64).std().item<double>(),
                out_bound / std::sqrt(3.0), 0.05 * out_bound);
    EXPECT_LE(max_abs(mixer->in_proj->weight), 1 / std::sqrt(double(config.d_model)));
    EXPECT_EQ(max_abs(mixer->in_proj->bias), 0);
    EXPECT_EQ(max_abs(mixer->out_proj->bias), 0);
    EXPECT_GT(max_abs(mixer->conv1d->bias), 0);  // a Conv1d, which _init_weights leaves alone
  }
  EXPECT_NEAR(model.backbone->embedding->weight.to(kFloat64).std().item<double>(), 0.02, 0.002);
  EXPECT_EQ(max_abs(model.backbone->norm_f->weight - 1.0), 0);
}

TEST(MambaConfig, RoundTripsThroughJsonAndReadsTheTwins) {
  const MambaConfig config{.d_model = 24,
                           .n_layer = 3,
                           .vocab_size = 7,
                           .d_state = 5,
                           .d_conv = 2,
                           .expand = 3,
                           .dt_rank = 2,
                           .dt_min = 2e-3,
                           .dt_max = 3e-2,
                           .dt_init_floor = 1e-3,
                           .dt_scale = 0.5,
                           .conv_bias = false,
                           .bias = true,
                           .norm_epsilon = 1e-6,
                           .tie_embeddings = false};
  const nlohmann::json json = config;
  EXPECT_EQ(nlohmann::json(json.get<MambaConfig>()), json);
  // A missing field keeps its default.
  const MambaConfig partial = nlohmann::json::parse(R"({"d_model": 32})").get<MambaConfig>();
  EXPECT_EQ(partial.d_model, 32);
  EXPECT_EQ(partial.d_state, MambaConfig{}.d_state);
  // The twin's config (Python's dataclasses.asdict) reads as the one the test builds.
  EXPECT_EQ(nlohmann::json(fixture_metadata("config").get<MambaConfig>()),
            nlohmann::json(small_config()));
  const MambaLMHeadModel model(config);
  EXPECT_EQ(nlohmann::json::parse(model.extra_repr()), json);
}

TEST(MambaConfig, BadConfigsThrowNamingTheField) {
  struct Case {
    MambaConfig config;
    std::string message;
  };
  auto with = [](auto change) {
    MambaConfig config = small_config();
    change(config);
    return config;
  };
  const std::vector<Case> cases = {
      {with([](MambaConfig& c) { c.d_model = 0; }), "MambaConfig: d_model must be positive, got 0"},
      {with([](MambaConfig& c) { c.n_layer = -1; }), "n_layer must be positive, got -1"},
      {with([](MambaConfig& c) { c.vocab_size = 0; }), "vocab_size must be positive"},
      {with([](MambaConfig& c) { c.d_state = 0; }), "d_state must be positive"},
      {with([](MambaConfig& c) { c.d_conv = 0; }), "d_conv must be positive"},
      {with([](MambaConfig& c) { c.expand = 0; }), "expand must be positive"},
      {with([](MambaConfig& c) { c.dt_rank = -2; }), "dt_rank must be positive, or 0 for"},
      {with([](MambaConfig& c) { c.dt_min = 0; }), "dt_min must be positive"},
      {with([](MambaConfig& c) { c.dt_max = 1e-4; }), "dt_max 0.0001 is below dt_min 0.001"},
      {with([](MambaConfig& c) { c.dt_init_floor = -1; }), "dt_init_floor must be positive"},
      {with([](MambaConfig& c) { c.dt_scale = 0; }), "dt_scale must be positive"},
      {with([](MambaConfig& c) { c.norm_epsilon = 0; }), "norm_epsilon must be positive"},
  };
  for (const Case& c : cases) {
    const std::string error = testing::error_of([&] { MambaLMHeadModel model(c.config); });
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
  }
}

TEST(Mamba, BadInputsThrow) {
  MambaLMHeadModel model(small_config());
  auto expect_error = [](const std::function<void()>& call, const std::string& message) {
    const std::string error = testing::error_of(call);
    EXPECT_NE(error.find(message), std::string::npos) << error;
  };
  expect_error(
      [&] {
        model.forward(tensor<int64_t>({1, 2, 3}));
      },
      "MambaLMHeadModel: tokens must be [B, L], got [3]");
  MambaInferenceCache cache = model.allocate_inference_cache(2);
  expect_error(
      [&] {
        model.step(tensor<int64_t>({{1, 2}}), cache);
      },
      "MambaLMHeadModel::step: tokens must be [B], got [1, 2]");
  expect_error(
      [&] {
        model.step(tensor<int64_t>({1, 2, 3}), cache);
      },
      "Mamba::step: the cache must hold states for the batch of 3");
  MambaInferenceCache empty;
  expect_error(
      [&] {
        model.step(tensor<int64_t>({1, 2}), empty);
      },
      "the cache has 0 layers, the model 2");
}

}  // namespace
}  // namespace kiln::models
