#include "models/attention_model.h"

#include <cmath>
#include <limits>
#include <utility>

#include "autograd/functions.h"
#include "nn/init.h"
#include "tensor/creation.h"

namespace kiln::models {

void validate(const AttentionModelConfig& config) {
  auto positive = [](const char* field, auto value) {
    KILN_CHECK(value > 0, "AttentionModelConfig: ", field, " must be positive, got ", value);
  };
  positive("embedding_dim", config.embedding_dim);
  positive("n_encode_layers", config.n_encode_layers);
  positive("n_heads", config.n_heads);
  positive("feed_forward_hidden", config.feed_forward_hidden);
  KILN_CHECK(config.embedding_dim % config.n_heads == 0, "AttentionModelConfig: embedding_dim ",
             config.embedding_dim, " is not a multiple of n_heads ", config.n_heads);
  KILN_CHECK(config.tanh_clipping >= 0,
             "AttentionModelConfig: tanh_clipping must be >= 0 (0: no clipping), got ",
             config.tanh_clipping);
}

AttentionModel::AttentionModel(const AttentionModelConfig& config)
    : TspPolicy("AttentionModel"), config_(config) {
  validate(config);
  const int64_t d = config.embedding_dim;
  W_placeholder = register_parameter("W_placeholder", empty({2 * d}));
  // The placeholder should be in the range of the activations (the reference's U(-1, 1)).
  nn::init::uniform_(W_placeholder, -1, 1);
  init_embed = register_module("init_embed", std::make_shared<nn::Linear>(2, d));
  embedder = register_module(
      "embedder", std::make_shared<GraphAttentionEncoder>(config.n_heads, d, config.n_encode_layers,
                                                          config.feed_forward_hidden));
  project_node_embeddings =
      register_module("project_node_embeddings", std::make_shared<nn::Linear>(d, 3 * d, false));
  project_fixed_context =
      register_module("project_fixed_context", std::make_shared<nn::Linear>(d, d, false));
  project_step_context =
      register_module("project_step_context", std::make_shared<nn::Linear>(2 * d, d, false));
  project_out = register_module("project_out", std::make_shared<nn::Linear>(d, d, false));
}

std::string AttentionModel::extra_repr() const {
  return nlohmann::json(config_).dump();
}

AttentionModelFixed AttentionModel::precompute(const Tensor& coords) {
  KILN_CHECK(coords.dim() == 3 && coords.size(2) == 2 && coords.size(1) > 0,
             "AttentionModel: expected coordinates [B, n, 2] with n > 0, got ", coords.shape());
  const GraphEncoding encoding = embedder->forward(init_embed->forward(coords));
  const Tensor& embeddings = encoding.node_embeddings;
  const int64_t batch = embeddings.size(0), nodes = embeddings.size(1);
  const int64_t heads = config_.n_heads, head_dim = config_.embedding_dim / heads;
  const std::vector<Tensor> projected = project_node_embeddings->forward(embeddings).chunk(3, -1);
  auto split_heads = [&](const Tensor& x) {
    return x.reshape({batch, nodes, heads, head_dim}).transpose(1, 2);
  };
  return {.node_embeddings = embeddings,
          .context_node_projected =
              project_fixed_context->forward(encoding.graph_embedding).unsqueeze(1),
          .glimpse_key = split_heads(projected[0]),
          .glimpse_val = split_heads(projected[1]),
          .logit_key = projected[2].contiguous()};
}

Tensor AttentionModel::step_context(const AttentionModelFixed& fixed,
                                    const TourState& state) const {
  const Tensor& embeddings = fixed.node_embeddings;
  const int64_t batch = embeddings.size(0), d = embeddings.size(2);
  if (state.steps() == 0) return W_placeholder.view({1, 1, 2 * d}).expand({batch, 1, 2 * d});
  const Tensor ends = stack({state.first(), state.last()}, 1).unsqueeze(2).expand({batch, 2, d});
  return embeddings.gather(1, ends).view({batch, 1, 2 * d});
}

// Multi-head attention from the query [B, 1, d] to the unvisited nodes, projected out.
Tensor AttentionModel::glimpse(const Tensor& query, const AttentionModelFixed& fixed,
                               const Tensor& visited) const {
  const int64_t batch = query.size(0), d = config_.embedding_dim, heads = config_.n_heads;
  const Tensor query_heads = query.view({batch, 1, heads, d / heads}).transpose(1, 2);
  const Tensor may_attend = visited.logical_not().view({batch, 1, 1, visited.size(1)});
  const Tensor attended =
      scaled_dot_product_attention(query_heads, fixed.glimpse_key, fixed.glimpse_val, may_attend);
  return project_out->forward(attended.transpose(1, 2).reshape({batch, 1, d}));
}

Tensor AttentionModel::log_p(const AttentionModelFixed& fixed, const TourState& state,
                             double temperature) {
  KILN_CHECK(temperature > 0, "AttentionModel: temperature must be positive, got ", temperature);
  const Tensor query =
      fixed.context_node_projected + project_step_context->forward(step_context(fixed, state));
  const Tensor glimpsed = glimpse(query, fixed, state.visited());
  Tensor logits = glimpsed.matmul(fixed.logit_key.transpose(1, 2)).squeeze(1) /
                  std::sqrt(static_cast<double>(config_.embedding_dim));
  if (config_.tanh_clipping > 0) logits = logits.tanh() * config_.tanh_clipping;
  logits = logits.masked_fill(state.visited(), -std::numeric_limits<double>::infinity());
  return (logits / temperature).log_softmax(1);
}

AttentionModelFixed AttentionModelFixed::repeat_each(int64_t times) const {
  return {node_embeddings.repeat_interleave(times, 0),
          context_node_projected.repeat_interleave(times, 0),
          glimpse_key.repeat_interleave(times, 0), glimpse_val.repeat_interleave(times, 0),
          logit_key.repeat_interleave(times, 0)};
}

namespace {

class AttentionDecoding : public TspDecoding {
 public:
  AttentionDecoding(AttentionModel& model, AttentionModelFixed fixed)
      : TspDecoding(fixed.node_embeddings.size(0), fixed.node_embeddings.size(1),
                    fixed.node_embeddings.device()),
        model_(model),
        fixed_(std::move(fixed)) {}

  Tensor log_p(double temperature) override { return model_.log_p(fixed_, state_, temperature); }
  void visit(const Tensor& nodes) override { state_.visit(nodes); }
  // The fixed tensors are the same for every copy of an instance.
  void reorder(const Tensor& rows) override { state_.reorder(rows); }

 private:
  AttentionModel& model_;
  AttentionModelFixed fixed_;
};

}  // namespace

std::unique_ptr<TspDecoding> AttentionModel::begin(const Tensor& coords, int64_t copies) {
  KILN_CHECK(copies > 0, "AttentionModel: copies must be positive, got ", copies);
  const AttentionModelFixed fixed = precompute(coords);
  return std::make_unique<AttentionDecoding>(*this,
                                             copies == 1 ? fixed : fixed.repeat_each(copies));
}

std::shared_ptr<TspPolicy> AttentionModel::copy() const {
  auto twin = std::make_shared<AttentionModel>(config_);
  twin->to(W_placeholder.device());
  twin->load_state_dict(state_dict());
  return twin;
}

}  // namespace kiln::models
