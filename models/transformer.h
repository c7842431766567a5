#pragma once

// The Transformer of Vaswani et al. 2017 ("Attention Is All You Need"): an encoder-decoder
// with scaled embeddings and sinusoidal positions, post-norm layers as in the paper (or
// pre-norm), optionally one embedding matrix shared by source, target and the output layer
// (section 3.4), trained with label smoothing (section 5.4). The layers are nn's
// TransformerEncoderLayer / TransformerDecoderLayer (batch first, ReLU), with PyTorch's names.
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/layers.h"
#include "nn/containers.h"
#include "nn/embedding.h"
#include "nn/transformer.h"

namespace kiln::models {

struct TransformerConfig {
  int64_t source_vocab = 16;
  int64_t target_vocab = 16;
  int64_t d_model = 64;
  int64_t heads = 4;
  int64_t encoder_layers = 2;
  int64_t decoder_layers = 2;
  int64_t d_ff = 256;
  double dropout = 0.1;
  int64_t max_length = 256;
  bool pre_norm = false;
  // One embedding for source and target, also the output projection (needs one vocabulary).
  bool share_embeddings = false;
  double label_smoothing = 0.1;
  int64_t pad_token = 0;  // ignored by the loss and masked out of attention
};
// As JSON (checkpoints carry it); a missing field keeps its default.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TransformerConfig, source_vocab, target_vocab,
                                                d_model, heads, encoder_layers, decoder_layers,
                                                d_ff, dropout, max_length, pre_norm,
                                                share_embeddings, label_smoothing, pad_token)

class Transformer : public nn::Module {
 public:
  explicit Transformer(const TransformerConfig& config);
  const TransformerConfig& config() const { return config_; }
  std::string extra_repr() const override;

  // source [N, S] int64 -> memory [N, S, D].
  Tensor encode(const Tensor& source);
  // target_in [N, T] (BOS first) with the memory of `source` -> logits [N, T, target_vocab].
  Tensor decode(const Tensor& target_in, const Tensor& memory, const Tensor& source);
  Tensor forward(const Tensor& source, const Tensor& target_in);
  // Label-smoothed cross-entropy over the non-pad positions of target_out [N, T].
  Tensor loss(const Tensor& logits, const Tensor& target_out) const;

  // Greedy decoding: from BOS, the most likely token each step, up to max_length tokens or
  // EOS. Returns [N, <= max_length] without BOS; finished rows are padded.
  Tensor greedy_decode(const Tensor& source, int64_t bos, int64_t eos, int64_t max_length);
  // Beam search with GNMT's length penalty lp = ((5 + length) / 6)^alpha (Wu et al. 2016):
  // the hypothesis with the best log-probability / lp, per source row.
  Tensor beam_search(const Tensor& source, int64_t bos, int64_t eos, int64_t max_length,
                     int64_t beam_size = 4, double length_penalty = 0.6);

  std::shared_ptr<nn::Embedding> source_embedding, target_embedding;
  std::shared_ptr<nn::ModuleList> encoder_layers, decoder_layers;
  std::shared_ptr<nn::LayerNorm> encoder_norm, decoder_norm;  // pre-norm only
  std::shared_ptr<nn::UnaryModule> generator;
  std::shared_ptr<nn::Dropout> dropout;

 private:
  Tensor embed(nn::Embedding& embedding, const Tensor& tokens);
  std::vector<int64_t> beam_search_row(const Tensor& source_row, int64_t bos, int64_t eos,
                                       int64_t max_length, int64_t beam_size, double alpha);

  TransformerConfig config_;
  Tensor positions_;  // [max_length, D]
};

}  // namespace kiln::models
