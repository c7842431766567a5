#pragma once

// The attention model of Kool, van Hoof and Welling 2019 ("Attention, Learn to Solve Routing
// Problems!") for the travelling salesman problem: a graph attention encoder (section 3.1)
// and a decoder that builds the tour one node at a time (section 3.2), attending from a
// context of the graph, the first and the last node to the unvisited nodes. Module and
// parameter names are wouterkool/attention-learn-to-route's (nets/attention_model.py);
// bench/pytorch/attention_model_twin.py is the PyTorch twin.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/graph_attention_encoder.h"
#include "models/tsp_policy.h"
#include "nn/linear.h"

namespace kiln::models {

struct AttentionModelConfig {
  int64_t embedding_dim = 128;
  int64_t n_encode_layers = 3;
  int64_t n_heads = 8;
  int64_t feed_forward_hidden = 512;
  double tanh_clipping = 10;  // logits = C tanh(q k / sqrt(d)), section 3.2
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AttentionModelConfig, embedding_dim,
                                                n_encode_layers, n_heads, feed_forward_hidden,
                                                tanh_clipping)

// Throws kiln::Error naming the first field out of range.
void validate(const AttentionModelConfig& config);

// What the decoder computes once per instance (AttentionModelFixed in the reference).
struct AttentionModelFixed {
  Tensor node_embeddings;           // [B, n, d]
  Tensor context_node_projected;    // the graph's part of the query, [B, 1, d]
  Tensor glimpse_key, glimpse_val;  // [B, heads, n, d / heads]
  Tensor logit_key;                 // [B, n, d]

  // Each instance `times` times in a row ([k B, ...]), to decode several tours of each.
  AttentionModelFixed repeat_each(int64_t times) const;
};

class AttentionModel : public TspPolicy {
 public:
  explicit AttentionModel(const AttentionModelConfig& config = {});
  const AttentionModelConfig& config() const { return config_; }
  std::string extra_repr() const override;

  std::unique_ptr<TspDecoding> begin(const Tensor& coords, int64_t copies = 1) override;
  std::shared_ptr<TspPolicy> copy() const override;
  nlohmann::json config_json() const override { return config_; }

  // The pieces of a decoding: the encoder's output and its projections,
  AttentionModelFixed precompute(const Tensor& coords);
  // and log p(next node | tour so far) [B, n] = log_softmax(logits / temperature), visited
  // nodes at -inf.
  Tensor log_p(const AttentionModelFixed& fixed, const TourState& state, double temperature = 1);

  std::shared_ptr<nn::Linear> init_embed;
  std::shared_ptr<GraphAttentionEncoder> embedder;
  std::shared_ptr<nn::Linear> project_node_embeddings, project_fixed_context, project_step_context,
      project_out;
  Tensor W_placeholder;  // the [first, last] context before the first step, [2d]

 private:
  // [embedding of the first node, of the last] [B, 1, 2d], or the placeholder.
  Tensor step_context(const AttentionModelFixed& fixed, const TourState& state) const;
  Tensor glimpse(const Tensor& query, const AttentionModelFixed& fixed,
                 const Tensor& visited) const;

  AttentionModelConfig config_;
};

}  // namespace kiln::models
