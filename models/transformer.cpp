#include "models/transformer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "nn/init.h"
#include "nn/loss.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::models {

Transformer::Transformer(const TransformerConfig& config) : Module("Transformer"), config_(config) {
  KILN_CHECK(config.d_model > 0 && config.heads > 0 && config.d_model % config.heads == 0,
             "Transformer: d_model ", config.d_model, " must be a positive multiple of heads ",
             config.heads);
  KILN_CHECK(!config.share_embeddings || config.source_vocab == config.target_vocab,
             "Transformer: share_embeddings needs one vocabulary, got ", config.source_vocab,
             " and ", config.target_vocab);
  const int64_t d = config.d_model;
  // Embeddings are scaled by sqrt(d) on the way in, so they start at variance 1/d.
  auto embedding = [&](int64_t vocab) {
    auto e = std::make_shared<nn::Embedding>(vocab, d);
    nn::init::normal_(e->weight, 0, 1 / std::sqrt(static_cast<double>(d)));
    return e;
  };
  source_embedding = register_module("source_embedding", embedding(config.source_vocab));
  target_embedding =
      register_module("target_embedding",
                      config.share_embeddings ? source_embedding : embedding(config.target_vocab));
  dropout = register_module("dropout", std::make_shared<nn::Dropout>(config.dropout));
  const nn::TransformerLayerOptions layer{.dim_feedforward = config.d_ff,
                                          .dropout = config.dropout,
                                          .batch_first = true,
                                          .norm_first = config.pre_norm};
  encoder_layers = register_module("encoder_layers", std::make_shared<nn::ModuleList>());
  for (int64_t i = 0; i < config.encoder_layers; ++i) {
    encoder_layers->push_back(
        std::make_shared<nn::TransformerEncoderLayer>(d, config.heads, layer));
  }
  decoder_layers = register_module("decoder_layers", std::make_shared<nn::ModuleList>());
  for (int64_t i = 0; i < config.decoder_layers; ++i) {
    decoder_layers->push_back(
        std::make_shared<nn::TransformerDecoderLayer>(d, config.heads, layer));
  }
  if (config.pre_norm) {
    encoder_norm = register_module("encoder_norm", std::make_shared<nn::LayerNorm>(Shape{d}));
    decoder_norm = register_module("decoder_norm", std::make_shared<nn::LayerNorm>(Shape{d}));
  }
  if (config.share_embeddings) {
    generator =
        register_module("generator", std::make_shared<TiedLinear>(target_embedding->weight));
  } else {
    generator = register_module("generator", std::make_shared<nn::Linear>(d, config.target_vocab));
  }
  // As nn.Transformer: Xavier-uniform for every matrix of the layers.
  for (const auto& layers : {encoder_layers, decoder_layers}) {
    for (const auto& [name, param] : layers->named_parameters()) {
      if (param.dim() > 1) nn::init::xavier_uniform_(param);
    }
  }
  positions_ = register_buffer("positions", sinusoidal_positions(config.max_length, d), false);
}

std::string Transformer::extra_repr() const {
  return nlohmann::json(config_).dump();
}

Tensor Transformer::embed(nn::Embedding& embedding, const Tensor& tokens) {
  const int64_t length = tokens.size(1);
  KILN_CHECK(length <= config_.max_length, "Transformer: a sequence of ", length,
             " tokens is longer than max_length ", config_.max_length);
  const Tensor scaled = embedding(tokens) * std::sqrt(static_cast<double>(config_.d_model));
  return (*dropout)(scaled + positions_.narrow(0, 0, length).to(scaled.dtype()));
}

Tensor Transformer::encode(const Tensor& source) {
  KILN_CHECK(source.dim() == 2, "Transformer: source must be [N, S] tokens, got ", source.shape());
  const Tensor padding = eq(source, config_.pad_token);
  Tensor x = embed(*source_embedding, source);
  for (size_t i = 0; i < encoder_layers->size(); ++i)
    x = encoder_layers->at<nn::TransformerEncoderLayer>(i)->forward(x, /*src_mask=*/{}, padding);
  return encoder_norm ? (*encoder_norm)(x) : x;
}

Tensor Transformer::decode(const Tensor& target_in, const Tensor& memory, const Tensor& source) {
  KILN_CHECK(target_in.dim() == 2, "Transformer: target must be [N, T] tokens, got ",
             target_in.shape());
  const Tensor memory_padding = eq(source, config_.pad_token);
  Tensor y = embed(*target_embedding, target_in);
  for (size_t i = 0; i < decoder_layers->size(); ++i) {
    y = decoder_layers->at<nn::TransformerDecoderLayer>(i)->forward(
        y, memory, /*tgt_mask=*/{}, /*memory_mask=*/{}, /*tgt_key_padding_mask=*/{}, memory_padding,
        /*tgt_is_causal=*/true);
  }
  return (*generator)(decoder_norm ? (*decoder_norm)(y) : y);
}

Tensor Transformer::forward(const Tensor& source, const Tensor& target_in) {
  const nn::ModuleScope scope(*this);
  return decode(target_in, encode(source), source);
}

Tensor Transformer::loss(const Tensor& logits, const Tensor& target_out) const {
  return nn::cross_entropy(
      logits.reshape({-1, logits.size(-1)}), target_out.reshape({-1}),
      {.ignore_index = config_.pad_token, .label_smoothing = config_.label_smoothing});
}

Tensor Transformer::greedy_decode(const Tensor& source, int64_t bos, int64_t eos,
                                  int64_t max_length) {
  NoGradGuard no_grad;
  const int64_t rows = source.size(0);
  const Tensor memory = encode(source);
  const TensorOptions on_device{.dtype = kInt64, .device = source.device()};
  Tensor tokens = full({rows, 1}, bos, on_device);
  Tensor finished = zeros({rows}, {.dtype = kBool, .device = source.device()});
  for (int64_t t = 0; t < max_length; ++t) {
    const Tensor logits = decode(tokens, memory, source);
    Tensor next = logits.select(1, t).argmax(-1);
    next = where(finished, full_like(next, config_.pad_token), next);
    tokens = cat({tokens, next.unsqueeze(1)}, 1);
    finished = logical_or(finished, eq(next, eos));
    if (all(finished).item<bool>()) break;
  }
  return tokens.narrow(1, 1, tokens.size(1) - 1);
}

namespace {
struct Hypothesis {
  std::vector<int64_t> tokens;  // BOS first
  double log_probability = 0;
  bool finished = false;
};

// GNMT's normalised score: log p / ((5 + generated) / 6)^alpha.
double normalised(const Hypothesis& h, double alpha) {
  const double generated = static_cast<double>(h.tokens.size() - 1);
  return h.log_probability / std::pow((5 + generated) / 6, alpha);
}
}  // namespace

std::vector<int64_t> Transformer::beam_search_row(const Tensor& source_row, int64_t bos,
                                                  int64_t eos, int64_t max_length,
                                                  int64_t beam_size, double alpha) {
  const Tensor memory = encode(source_row);
  std::vector<Hypothesis> beams = {{{bos}, 0, false}};
  for (int64_t t = 0; t < max_length; ++t) {
    std::vector<const Hypothesis*> alive;
    for (const Hypothesis& h : beams) {
      if (!h.finished) alive.push_back(&h);
    }
    if (alive.empty()) break;
    std::vector<int64_t> flat;
    for (const Hypothesis* h : alive) flat.insert(flat.end(), h->tokens.begin(), h->tokens.end());
    const auto count = static_cast<int64_t>(alive.size());
    const Tensor prefix = from_vector(flat, {count, t + 1}).to(source_row.device());
    const Tensor logits = decode(prefix, memory.expand({count, memory.size(1), memory.size(2)}),
                                 source_row.expand({count, source_row.size(1)}));
    const std::vector<double> log_p =
        log_softmax(logits.select(1, t), -1).to(kFloat64).to_vector<double>();
    const int64_t vocab = logits.size(-1);
    std::vector<Hypothesis> candidates;
    for (const Hypothesis& h : beams) {
      if (h.finished) candidates.push_back(h);
    }
    for (int64_t a = 0; a < count; ++a) {
      for (int64_t v = 0; v < vocab; ++v) {
        Hypothesis next = *alive[a];
        next.tokens.push_back(v);
        next.log_probability += log_p[static_cast<size_t>(a * vocab + v)];
        next.finished = v == eos;
        candidates.push_back(std::move(next));
      }
    }
    const auto keep = std::min<size_t>(static_cast<size_t>(beam_size), candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                      candidates.end(), [alpha](const Hypothesis& a, const Hypothesis& b) {
                        return normalised(a, alpha) > normalised(b, alpha);
                      });
    candidates.resize(keep);
    beams = std::move(candidates);
  }
  const auto best = std::max_element(beams.begin(), beams.end(),
                                     [alpha](const Hypothesis& a, const Hypothesis& b) {
                                       return normalised(a, alpha) < normalised(b, alpha);
                                     });
  return {best->tokens.begin() + 1, best->tokens.end()};
}

Tensor Transformer::beam_search(const Tensor& source, int64_t bos, int64_t eos, int64_t max_length,
                                int64_t beam_size, double length_penalty) {
  KILN_CHECK(beam_size > 0, "beam_search: beam_size must be positive, got ", beam_size);
  NoGradGuard no_grad;
  std::vector<std::vector<int64_t>> rows;
  size_t longest = 0;
  for (int64_t r = 0; r < source.size(0); ++r) {
    rows.push_back(
        beam_search_row(source.narrow(0, r, 1), bos, eos, max_length, beam_size, length_penalty));
    longest = std::max(longest, rows.back().size());
  }
  std::vector<int64_t> flat;
  for (auto& row : rows) {
    row.resize(longest, config_.pad_token);
    flat.insert(flat.end(), row.begin(), row.end());
  }
  return from_vector(flat, {source.size(0), static_cast<int64_t>(longest)}).to(source.device());
}

}  // namespace kiln::models
