// Training-step workloads W2, W3, W5 and W6 of WORKLOADS.md on any device and batch.
#include "bench/training_workloads.h"

#include <memory>

#include "autograd/functions.h"
#include "models/attention_model.h"
#include "models/forecast/forecasters.h"
#include "models/reinforce_baselines.h"
#include "models/tasks/tsp_instances.h"
#include "nn/activation.h"
#include "nn/attention.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/normalization.h"
#include "nn/recurrent.h"
#include "optim/adam.h"
#include "tensor/creation.h"

namespace kiln::bench {

namespace {

constexpr int64_t kWidth = 128, kHeads = 4, kHidden = 512, kVocab = 128;
constexpr int64_t kLength = 64;

// x += MHA(LN(x)); x += Linear(GELU(Linear(LN(x)))).
class PreNormLayer : public nn::Module {
 public:
  PreNormLayer() : Module("PreNormLayer") {
    ln1 = register_module("ln1", std::make_shared<nn::LayerNorm>(Shape{kWidth}));
    attention = register_module(
        "attention", std::make_shared<nn::MultiheadAttention>(kWidth, kHeads, 0, true, std::nullopt,
                                                              std::nullopt, true));
    ln2 = register_module("ln2", std::make_shared<nn::LayerNorm>(Shape{kWidth}));
    up = register_module("up", std::make_shared<nn::Linear>(kWidth, kHidden));
    down = register_module("down", std::make_shared<nn::Linear>(kHidden, kWidth));
  }
  Tensor forward(const Tensor& x) {
    const Tensor h = (*ln1)(x);
    const Tensor y = x + attention->forward(h, h, h, {.need_weights = false}).output;
    return y + (*down)(gelu((*up)((*ln2)(y))));
  }

  std::shared_ptr<nn::LayerNorm> ln1, ln2;
  std::shared_ptr<nn::MultiheadAttention> attention;
  std::shared_ptr<nn::Linear> up, down;
};

class W2Model : public nn::Module {
 public:
  W2Model() : Module("W2Model") {
    embedding = register_module("embedding", std::make_shared<nn::Embedding>(kVocab, kWidth));
    positions = register_parameter("positions", randn({kLength, kWidth}) * 0.02);
    for (const char* name : {"layer0", "layer1"})
      layers.push_back(register_module(name, std::make_shared<PreNormLayer>()));
    norm = register_module("norm", std::make_shared<nn::LayerNorm>(Shape{kWidth}));
    head = register_module("head", std::make_shared<nn::Linear>(kWidth, kVocab));
  }
  Tensor loss(const Tensor& tokens, const Tensor& targets) {
    Tensor x = (*embedding)(tokens) + positions;
    for (const auto& layer : layers) x = layer->forward(x);
    const Tensor logits = (*head)((*norm)(x));
    return nn::cross_entropy(logits.reshape({-1, kVocab}), targets.reshape({-1}));
  }

  std::shared_ptr<nn::Embedding> embedding;
  Tensor positions;
  std::vector<std::shared_ptr<PreNormLayer>> layers;
  std::shared_ptr<nn::LayerNorm> norm;
  std::shared_ptr<nn::Linear> head;
};

}  // namespace

std::function<void()> w2_transformer_step(int64_t batch, Device device) {
  manual_seed(0);
  Generator generator(0);
  const TensorOptions indices{.dtype = kInt64};
  const Tensor tokens = randint(0, kVocab, {batch, kLength}, indices, &generator).to(device);
  const Tensor targets = randint(0, kVocab, {batch, kLength}, indices, &generator).to(device);
  auto model = std::make_shared<W2Model>();
  model->to(device);
  auto optimizer = std::make_shared<optim::AdamW>(
      model->parameters(), optim::AdamWOptions{.lr = 1e-3, .weight_decay = 0.01});
  return [=] {
    optimizer->zero_grad();
    model->loss(tokens, targets).backward();
    optimizer->step();
  };
}

std::function<void()> w3_lstm_step(int64_t batch, Device device) {
  manual_seed(0);
  Generator generator(0);
  const Tensor x = randn({batch, 64, 32}, {}, &generator).to(device);
  const Tensor y = randn({batch, 1}, {}, &generator).to(device);
  auto lstm = std::make_shared<nn::LSTM>(32, 128, nn::RecurrentOptions{.batch_first = true});
  auto head = std::make_shared<nn::Linear>(128, 1);
  lstm->to(device);
  head->to(device);
  std::vector<Tensor> parameters = lstm->parameters();
  for (const Tensor& p : head->parameters()) parameters.push_back(p);
  auto optimizer = std::make_shared<optim::Adam>(parameters, optim::AdamOptions{.lr = 1e-3});
  return [=] {
    optimizer->zero_grad();
    const Tensor last = lstm->forward(x).h_n.select(0, 0);
    nn::mse_loss((*head)(last), y).backward();
    optimizer->step();
  };
}

std::function<void()> w5_patchtst_step(int64_t batch, Device device) {
  manual_seed(0);
  const models::ForecastShape shape{.lookback = 336, .horizon = 96, .channels = 7};
  const Tensor x = randn({batch, shape.lookback, shape.channels}).to(device);
  const Tensor y = randn({batch, shape.horizon, shape.channels}).to(device);
  // The ETTh1 model (models::PatchTST::Config's defaults) with WORKLOADS.md's affine RevIN and
  // without dropout.
  auto model = models::make_forecaster("patchtst", shape,
                                       {{"affine", true}, {"dropout", 0.0}, {"head_dropout", 0.0}});
  model->to(device);
  auto optimizer =
      std::make_shared<optim::Adam>(model->parameters(), optim::AdamOptions{.lr = 1e-4});
  return [=] {
    optimizer->zero_grad();
    nn::mse_loss(model->forward(x, Tensor()), y).backward();
    optimizer->step();
  };
}

std::function<void()> w6_tsp_step(int64_t batch, Device device) {
  manual_seed(0);
  Generator generator(0);
  const Tensor coords = models::tsp_random_instances(batch, 20, generator).to(device);
  auto model = std::make_shared<models::AttentionModel>();
  model->to(device);
  auto optimizer =
      std::make_shared<optim::Adam>(model->parameters(), optim::AdamOptions{.lr = 1e-4});
  auto baseline = std::make_shared<models::ExponentialBaseline>(0.8);
  return [=] {
    optimizer->zero_grad();
    const models::TourRollout rollout = model->forward(coords);
    const Tensor cost = models::tour_lengths(coords, rollout.tours);
    ((cost - baseline->update(cost)) * rollout.log_likelihood).mean().backward();
    optimizer->step();
  };
}

}  // namespace kiln::bench
