// Training-step workloads W2 (a small pre-LN Transformer encoder) and W3 (an LSTM) of
// WORKLOADS.md in kiln: zero grads, forward, loss, backward, optimizer step. The PyTorch
// twins are in bench/pytorch/workloads.py; bench/compare.py runs both.
#include <benchmark/benchmark.h>

#include "autograd/functions.h"
#include "nn/activation.h"
#include "nn/attention.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/normalization.h"
#include "nn/recurrent.h"
#include "optim/adam.h"
#include "tensor/creation.h"
#include "tensor/parallel.h"

namespace kiln::bench {
namespace {

constexpr int64_t kWidth = 128, kHeads = 4, kHidden = 512, kVocab = 128;
constexpr int64_t kBatch = 32, kLength = 64;

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

void w2_transformer_step(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  manual_seed(0);
  Generator generator(0);
  const Tensor tokens = randint(0, kVocab, {kBatch, kLength}, {.dtype = kInt64}, &generator);
  const Tensor targets = randint(0, kVocab, {kBatch, kLength}, {.dtype = kInt64}, &generator);
  W2Model model;
  optim::AdamW optimizer(model.parameters(), {.lr = 1e-3, .weight_decay = 0.01});
  for (auto _ : state) {
    optimizer.zero_grad();
    model.loss(tokens, targets).backward();
    optimizer.step();
  }
}

void w3_lstm_step(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  manual_seed(0);
  Generator generator(0);
  const Tensor x = randn({32, 64, 32}, {}, &generator);
  const Tensor y = randn({32, 1}, {}, &generator);
  nn::LSTM lstm(32, 128, {.batch_first = true});
  nn::Linear head(128, 1);
  std::vector<Tensor> parameters = lstm.parameters();
  for (const Tensor& p : head.parameters()) parameters.push_back(p);
  optim::Adam optimizer(parameters, {.lr = 1e-3});
  for (auto _ : state) {
    optimizer.zero_grad();
    const Tensor last = lstm.forward(x).h_n.select(0, 0);
    nn::mse_loss(head(last), y).backward();
    optimizer.step();
  }
}

void threads(benchmark::internal::Benchmark* bench) {
  bench->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(w2_transformer_step)->Name("W2_transformer_step")->Apply(threads);
BENCHMARK(w3_lstm_step)->Name("W3_lstm_step")->Apply(threads);

}  // namespace
}  // namespace kiln::bench
