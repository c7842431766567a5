#pragma once

// A decoder-only Transformer in GPT-2's layout (Radford et al. 2019): learned token and
// position embeddings, pre-norm blocks of causal self-attention and a GELU (tanh) MLP, a
// final LayerNorm, and the output layer tied to the token embedding. Parameter names follow
// nanoGPT's ("transformer.h.0.attn.c_attn.weight").
#include <cstdint>

#include <nlohmann/json.hpp>

#include "models/layers.h"
#include "nn/containers.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/normalization.h"
#include "tensor/random.h"

namespace kiln::models {

struct GPTConfig {
  int64_t vocab = 16;
  int64_t context = 64;  // longest sequence
  int64_t d_model = 64;
  int64_t heads = 4;
  int64_t layers = 2;
  double dropout = 0;
  int64_t ignore_token = -100;  // targets with this value are left out of the loss
};
// As JSON (checkpoints carry it); a missing field keeps its default.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GPTConfig, vocab, context, d_model, heads, layers,
                                                dropout, ignore_token)

// Multi-head causal self-attention on the fused scaled_dot_product_attention op: one
// projection to q, k, v (c_attn), one back (c_proj).
class CausalSelfAttention : public nn::UnaryModule {
 public:
  explicit CausalSelfAttention(const GPTConfig& config);
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Linear> c_attn, c_proj;
  std::shared_ptr<nn::Dropout> resid_dropout;

 private:
  int64_t heads_;
  double dropout_;
};

// Linear(D, 4D), GELU (tanh form, as GPT-2), Linear(4D, D), dropout.
class GPTMLP : public nn::UnaryModule {
 public:
  explicit GPTMLP(const GPTConfig& config);
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Linear> c_fc, c_proj;
  std::shared_ptr<nn::Dropout> dropout;
};

// One pre-norm block: x += attn(ln_1(x)); x += mlp(ln_2(x)).
class GPTBlock : public nn::UnaryModule {
 public:
  explicit GPTBlock(const GPTConfig& config);
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::LayerNorm> ln_1, ln_2;
  std::shared_ptr<CausalSelfAttention> attn;
  std::shared_ptr<GPTMLP> mlp;
};

class GPT : public nn::Module {
 public:
  explicit GPT(const GPTConfig& config);
  const GPTConfig& config() const { return config_; }
  std::string extra_repr() const override;

  // tokens [N, T] int64 -> logits [N, T, vocab].
  Tensor forward(const Tensor& tokens);
  // Cross-entropy of logits against targets [N, T] (ignore_token positions left out).
  Tensor loss(const Tensor& logits, const Tensor& targets) const;
  // Extends each row of prompt [N, T] by up to max_new_tokens tokens, sampled from
  // softmax(logits / temperature) restricted to the top_k most likely (all when top_k is 0),
  // or the most likely one when temperature is 0. Rows stop after `stop`, if given, and are
  // padded with it.
  Tensor generate(const Tensor& prompt, int64_t max_new_tokens, double temperature = 1.0,
                  int64_t top_k = 0, std::optional<int64_t> stop = std::nullopt,
                  Generator* generator = nullptr);

  std::shared_ptr<nn::ModuleDict> transformer;
  std::shared_ptr<nn::Embedding> wte, wpe;
  std::shared_ptr<nn::Dropout> drop;
  std::shared_ptr<nn::ModuleList> blocks;
  std::shared_ptr<nn::LayerNorm> ln_f;
  std::shared_ptr<TiedLinear> lm_head;

 private:
  GPTConfig config_;
};

}  // namespace kiln::models
