// The reference models train on cuda:0 by changing the device and nothing else: a few AdamW
// steps on the reverse task give the CPU's losses (dropout included: both devices draw the
// same Philox numbers), greedy decoding the same tokens, and Mamba's recurrent decoding on
// the device its full forward's logits.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "autograd/grad_mode.h"
#include "models/gpt.h"
#include "models/mamba.h"
#include "models/tasks.h"
#include "models/transformer.h"
#include "optim/adam.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

constexpr Device kGpu = cuda_device(0);
constexpr int kSteps = 4;

template <typename Model>
struct Trained {
  std::unique_ptr<Model> model;
  std::vector<double> losses;
};

// kSteps AdamW steps of a freshly seeded model on `device`: the model and its losses.
// `step_loss` computes one batch's loss.
template <typename Model, typename Config>
Trained<Model> train(const Config& config, Device device,
                     const std::function<Tensor(Model&, const std::vector<Example>&)>& step_loss) {
  manual_seed(5);
  Trained<Model> result{std::make_unique<Model>(config), {}};
  Model& model = *result.model;
  model.to(device);
  optim::AdamW optimizer(model.parameters(), {.lr = 3e-3});
  const SequenceTask task("reverse", {.min_length = 3, .max_length = 6});
  Generator data(8);
  for (int step = 0; step < kSteps; ++step) {
    optimizer.zero_grad();
    const Tensor loss = step_loss(model, task.samples(data, 8, false));
    EXPECT_EQ(loss.device(), device);
    loss.backward();
    optimizer.step();
    result.losses.push_back(loss.to(kCPU).item<double>());
  }
  return result;
}

void expect_close_losses(const std::vector<double>& gpu, const std::vector<double>& cpu) {
  ASSERT_EQ(gpu.size(), cpu.size());
  for (size_t i = 0; i < cpu.size(); ++i) {
    EXPECT_NEAR(gpu[i], cpu[i], 1e-4 * std::abs(cpu[i])) << "step " << i;
  }
}

TEST(CudaTraining, TransformerLossesMatchTheCpu) {
  const TransformerConfig config{.source_vocab = 15,
                                 .target_vocab = 15,
                                 .d_model = 16,
                                 .heads = 2,
                                 .encoder_layers = 2,
                                 .decoder_layers = 2,
                                 .d_ff = 32,
                                 .dropout = 0.1,
                                 .max_length = 16};
  const auto step_loss = [](Device device) {
    return [device](Transformer& model, const std::vector<Example>& examples) {
      const SequenceTask task("reverse", {.min_length = 3, .max_length = 6});
      const Seq2SeqBatch batch = task.seq2seq_batch(examples);
      const Tensor logits = model.forward(batch.source.to(device), batch.target_in.to(device));
      return model.loss(logits, batch.target_out.to(device));
    };
  };
  const Trained<Transformer> cpu = train<Transformer>(config, kCPU, step_loss(kCPU));
  const Trained<Transformer> gpu = train<Transformer>(config, kGpu, step_loss(kGpu));
  expect_close_losses(gpu.losses, cpu.losses);
  const Tensor source = from_vector(std::vector<int64_t>{5, 6, 7, 8, 9, 10}, {2, 3});
  cpu.model->eval();
  gpu.model->eval();
  const Tensor decoded = gpu.model->greedy_decode(source.to(kGpu), Tokens::kBos, Tokens::kEos, 5);
  EXPECT_EQ(decoded.device(), kGpu);
  EXPECT_EQ(decoded.to(kCPU).to_vector<int64_t>(),
            cpu.model->greedy_decode(source, Tokens::kBos, Tokens::kEos, 5).to_vector<int64_t>());
}

TEST(CudaTraining, GptLossesMatchTheCpu) {
  const GPTConfig config{
      .vocab = 15, .context = 16, .d_model = 16, .heads = 2, .layers = 2, .dropout = 0.1};
  const auto step_loss = [](Device device) {
    return [device](GPT& model, const std::vector<Example>& examples) {
      const SequenceTask task("reverse", {.min_length = 3, .max_length = 6});
      const DecoderBatch batch = task.decoder_batch(examples, -100);
      return model.loss(model.forward(batch.inputs.to(device)), batch.targets.to(device));
    };
  };
  const Trained<GPT> cpu = train<GPT>(config, kCPU, step_loss(kCPU));
  const Trained<GPT> gpu = train<GPT>(config, kGpu, step_loss(kGpu));
  expect_close_losses(gpu.losses, cpu.losses);
}

TEST(CudaTraining, MambaLossesMatchTheCpuAndDecodingMatchesTheForward) {
  const MambaConfig config{.d_model = 16, .n_layer = 2, .vocab_size = 15, .d_state = 4};
  const auto step_loss = [](Device device) {
    return [device](MambaLMHeadModel& model, const std::vector<Example>& examples) {
      const SequenceTask task("reverse", {.min_length = 3, .max_length = 6});
      const DecoderBatch batch = task.decoder_batch(examples, -100);
      return model.loss(model.forward(batch.inputs.to(device)), batch.targets.to(device));
    };
  };
  const Trained<MambaLMHeadModel> cpu = train<MambaLMHeadModel>(config, kCPU, step_loss(kCPU));
  const Trained<MambaLMHeadModel> gpu = train<MambaLMHeadModel>(config, kGpu, step_loss(kGpu));
  expect_close_losses(gpu.losses, cpu.losses);
  NoGradGuard no_grad;
  const Tensor tokens = from_vector(std::vector<int64_t>{5, 6, 7, 8, 9, 10}, {2, 3}).to(kGpu);
  const Tensor full = gpu.model->forward(tokens);
  MambaInferenceCache cache = gpu.model->allocate_inference_cache(2);
  for (int64_t t = 0; t < tokens.size(1); ++t) {
    const Tensor logits = gpu.model->step(tokens.select(1, t), cache);
    EXPECT_EQ(logits.device(), kGpu);
    testing::expect_same(logits.to(kCPU), full.select(1, t).to(kCPU), 1e-5, 1e-5);
  }
}

}  // namespace
}  // namespace kiln::models
