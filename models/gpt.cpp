#include "models/gpt.h"

#include <cmath>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "nn/init.h"
#include "nn/loss.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::models {

CausalSelfAttention::CausalSelfAttention(const GPTConfig& config)
    : UnaryModule("CausalSelfAttention"), heads_(config.heads), dropout_(config.dropout) {
  c_attn =
      register_module("c_attn", std::make_shared<nn::Linear>(config.d_model, 3 * config.d_model));
  c_proj = register_module("c_proj", std::make_shared<nn::Linear>(config.d_model, config.d_model));
  resid_dropout = register_module("resid_dropout", std::make_shared<nn::Dropout>(config.dropout));
}

Tensor CausalSelfAttention::forward(const Tensor& x) {
  const int64_t batch = x.size(0), length = x.size(1), width = x.size(2);
  // [N, T, 3D] -> three [N, H, T, D / H]
  const std::vector<Tensor> qkv = (*c_attn)(x).chunk(3, -1);
  auto heads = [&](const Tensor& t) {
    return t.view({batch, length, heads_, width / heads_}).transpose(1, 2);
  };
  const Tensor attended = scaled_dot_product_attention(heads(qkv[0]), heads(qkv[1]), heads(qkv[2]),
                                                       {}, is_training() ? dropout_ : 0, true);
  return (*resid_dropout)((*c_proj)(attended.transpose(1, 2).reshape({batch, length, width})));
}

GPTMLP::GPTMLP(const GPTConfig& config) : UnaryModule("MLP") {
  c_fc = register_module("c_fc", std::make_shared<nn::Linear>(config.d_model, 4 * config.d_model));
  c_proj =
      register_module("c_proj", std::make_shared<nn::Linear>(4 * config.d_model, config.d_model));
  dropout = register_module("dropout", std::make_shared<nn::Dropout>(config.dropout));
}

Tensor GPTMLP::forward(const Tensor& x) {
  return (*dropout)((*c_proj)(gelu((*c_fc)(x), GeluApproximation::Tanh)));
}

GPTBlock::GPTBlock(const GPTConfig& config) : UnaryModule("Block") {
  ln_1 = register_module("ln_1", std::make_shared<nn::LayerNorm>(Shape{config.d_model}));
  attn = register_module("attn", std::make_shared<CausalSelfAttention>(config));
  ln_2 = register_module("ln_2", std::make_shared<nn::LayerNorm>(Shape{config.d_model}));
  mlp = register_module("mlp", std::make_shared<GPTMLP>(config));
}

Tensor GPTBlock::forward(const Tensor& x) {
  const Tensor y = x + (*attn)((*ln_1)(x));
  return y + (*mlp)((*ln_2)(y));
}

GPT::GPT(const GPTConfig& config) : Module("GPT"), config_(config) {
  KILN_CHECK(config.d_model > 0 && config.heads > 0 && config.d_model % config.heads == 0,
             "GPT: d_model ", config.d_model, " must be a positive multiple of heads ",
             config.heads);
  transformer = register_module("transformer", std::make_shared<nn::ModuleDict>());
  wte = std::make_shared<nn::Embedding>(config.vocab, config.d_model);
  wpe = std::make_shared<nn::Embedding>(config.context, config.d_model);
  drop = std::make_shared<nn::Dropout>(config.dropout);
  blocks = std::make_shared<nn::ModuleList>();
  for (int64_t i = 0; i < config.layers; ++i) blocks->push_back(std::make_shared<GPTBlock>(config));
  ln_f = std::make_shared<nn::LayerNorm>(Shape{config.d_model});
  transformer->insert("wte", wte);
  transformer->insert("wpe", wpe);
  transformer->insert("drop", drop);
  transformer->insert("h", blocks);
  transformer->insert("ln_f", ln_f);
  lm_head = register_module("lm_head", std::make_shared<TiedLinear>(wte->weight));
  // GPT-2's initialisation: N(0, 0.02) for weights, zero biases, and the projections into
  // the residual stream scaled by 1/sqrt(2 layers).
  const double residual_std = 0.02 / std::sqrt(2.0 * static_cast<double>(config.layers));
  for (const auto& [name, param] : named_parameters()) {
    if (name.ends_with("c_proj.weight")) {
      nn::init::normal_(param, 0, residual_std);
    } else if (name.ends_with(".bias")) {
      nn::init::zeros_(param);
    } else if (param.dim() == 2) {
      nn::init::normal_(param, 0, 0.02);
    }
  }
}

std::string GPT::extra_repr() const {
  return nlohmann::json(config_).dump();
}

Tensor GPT::forward(const Tensor& tokens) {
  const nn::ModuleScope scope(*this);
  KILN_CHECK(tokens.dim() == 2, "GPT: tokens must be [N, T], got ", tokens.shape());
  const int64_t length = tokens.size(1);
  KILN_CHECK(length <= config_.context, "GPT: a sequence of ", length,
             " tokens is longer than the context of ", config_.context);
  const Tensor positions = arange(length, {.dtype = kInt64, .device = tokens.device()});
  Tensor x = (*drop)((*wte)(tokens) + (*wpe)(positions));
  for (size_t i = 0; i < blocks->size(); ++i) x = (*blocks->at<GPTBlock>(i))(x);
  return (*lm_head)((*ln_f)(x));
}

Tensor GPT::loss(const Tensor& logits, const Tensor& targets) const {
  return nn::cross_entropy(logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}),
                           {.ignore_index = config_.ignore_token});
}

Tensor GPT::generate(const Tensor& prompt, int64_t max_new_tokens, double temperature,
                     int64_t top_k, std::optional<int64_t> stop, Generator* generator) {
  KILN_CHECK(temperature >= 0, "GPT::generate: temperature must be non-negative, got ",
             temperature);
  KILN_CHECK(top_k >= 0, "GPT::generate: top_k must be non-negative, got ", top_k);
  NoGradGuard no_grad;
  Tensor tokens = prompt;
  Tensor finished = zeros({prompt.size(0)}, {.dtype = kBool, .device = prompt.device()});
  for (int64_t step = 0; step < max_new_tokens; ++step) {
    const int64_t length = tokens.size(1);
    const Tensor window = length > config_.context
                              ? tokens.narrow(1, length - config_.context, config_.context)
                              : tokens;
    Tensor logits = forward(window).select(1, window.size(1) - 1);
    Tensor next;
    if (temperature == 0) {
      next = logits.argmax(-1);
    } else {
      logits = logits / temperature;
      if (top_k > 0 && top_k < logits.size(-1)) {
        // Everything below the k-th largest logit is excluded.
        const Tensor kth = topk(logits, top_k, -1).first.narrow(-1, top_k - 1, 1);
        logits = masked_fill(logits, lt(logits, kth), -INFINITY);
      }
      // Inverse-CDF sampling from one uniform draw per row.
      const Tensor cdf = cumsum(softmax(logits.to(kFloat64), -1), -1);
      const Tensor u = rand({logits.size(0), 1}, {.dtype = kFloat64}, generator);
      next = sum(lt(cdf, u).to(kInt64), {-1}).clamp(std::nullopt, logits.size(-1) - 1);
    }
    if (stop) {
      next = where(finished, full_like(next, *stop), next);
      finished = logical_or(finished, eq(next, *stop));
    }
    tokens = cat({tokens, next.unsqueeze(1)}, 1);
    if (stop && all(finished).item<bool>()) break;
  }
  return tokens;
}

}  // namespace kiln::models
