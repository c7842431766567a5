#include "models/pointer_network.h"

#include <cmath>
#include <limits>
#include <tuple>

#include "autograd/functions.h"
#include "nn/activation.h"
#include "nn/init.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::models {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

Tensor uniform_vector(int64_t size, double bound) {
  Tensor vector = empty({size});
  nn::init::uniform_(vector, -bound, bound);
  return vector;
}

// The attention readout softmax(logits) . e: [B, n] and [B, n, d] -> [B, d].
Tensor attend(const Tensor& logits, const Tensor& projected) {
  return logits.softmax(1).unsqueeze(1).matmul(projected).squeeze(1);
}

}  // namespace

void validate(const PointerNetworkConfig& config) {
  KILN_CHECK(config.embedding_dim > 0 && config.hidden_dim > 0,
             "PointerNetworkConfig: embedding_dim and hidden_dim must be positive, got ",
             config.embedding_dim, " and ", config.hidden_dim);
  KILN_CHECK(config.tanh_clipping >= 0 && config.n_glimpses >= 0,
             "PointerNetworkConfig: tanh_clipping and n_glimpses must be >= 0, got ",
             config.tanh_clipping, " and ", config.n_glimpses);
}

PointerAttention::PointerAttention(int64_t dim, double tanh_clipping)
    : Module("Attention"), tanh_clipping_(tanh_clipping) {
  project_query = register_module("project_query", std::make_shared<nn::Linear>(dim, dim));
  project_ref = register_module("project_ref", std::make_shared<nn::Conv1d>(dim, dim, 1));
  v = register_parameter("v", uniform_vector(dim, 1 / std::sqrt(static_cast<double>(dim))));
}

Tensor PointerAttention::project(const Tensor& ref) const {
  const int64_t dim = project_ref->weight.size(0);
  return ref.matmul(project_ref->weight.view({dim, dim}).t()) + project_ref->bias;
}

Tensor PointerAttention::logits(const Tensor& query, const Tensor& projected) const {
  const Tensor u =
      (project_query->forward(query).unsqueeze(1) + projected).tanh().matmul(v.unsqueeze(1));
  const Tensor scores = u.squeeze(2);
  return tanh_clipping_ > 0 ? scores.tanh() * tanh_clipping_ : scores;
}

PointerEncoder::PointerEncoder(int64_t input_dim, int64_t hidden_dim) : Module("Encoder") {
  lstm = register_module(
      "lstm",
      std::make_shared<nn::LSTM>(input_dim, hidden_dim, nn::RecurrentOptions{.batch_first = true}));
  const double bound = 1 / std::sqrt(static_cast<double>(hidden_dim));
  init_hx = register_parameter("init_hx", uniform_vector(hidden_dim, bound));
  init_cx = register_parameter("init_cx", uniform_vector(hidden_dim, bound));
}

PointerDecoder::PointerDecoder(int64_t embedding_dim, int64_t hidden_dim, double tanh_clipping)
    : Module("Decoder") {
  lstm = register_module("lstm", std::make_shared<nn::LSTMCell>(embedding_dim, hidden_dim));
  pointer =
      register_module("pointer", std::make_shared<PointerAttention>(hidden_dim, tanh_clipping));
  glimpse = register_module("glimpse", std::make_shared<PointerAttention>(hidden_dim, 0));
}

PointerNetwork::PointerNetwork(const PointerNetworkConfig& config)
    : TspPolicy("PointerNetwork"), config_(config) {
  validate(config);
  encoder = register_module(
      "encoder", std::make_shared<PointerEncoder>(config.embedding_dim, config.hidden_dim));
  decoder = register_module(
      "decoder", std::make_shared<PointerDecoder>(config.embedding_dim, config.hidden_dim,
                                                  config.tanh_clipping));
  const double bound = 1 / std::sqrt(static_cast<double>(config.embedding_dim));
  decoder_in_0 = register_parameter("decoder_in_0", uniform_vector(config.embedding_dim, bound));
  Tensor weights = empty({2, config.embedding_dim});
  nn::init::uniform_(weights, -bound, bound);
  embedding = register_parameter("embedding", weights);
}

std::string PointerNetwork::extra_repr() const {
  return nlohmann::json(config_).dump();
}

namespace {

// The decoder's recurrent state per row: the LSTM's (h, c) and its next input, the last
// chosen node's embedding. A step's LSTM update runs once, for log_p or for visit.
class PointerDecoding : public TspDecoding {
 public:
  PointerDecoding(PointerNetwork& model, const Tensor& coords, int64_t copies)
      : TspDecoding(coords.size(0) * copies, coords.size(1), coords.device()), model_(model) {
    const int64_t batch = coords.size(0), d = model.config().embedding_dim;
    const Tensor embedded = coords.matmul(model.embedding);
    const nn::RecurrentResult encoded = model.encoder->lstm->forward(embedded);
    auto copied = [copies](const Tensor& x) {
      return copies == 1 ? x : x.repeat_interleave(copies, 0);
    };
    embedded_ = copied(embedded);
    glimpse_ref_ = copied(model.decoder->glimpse->project(encoded.output));
    pointer_ref_ = copied(model.decoder->pointer->project(encoded.output));
    h_ = copied(encoded.h_n.select(0, 0));
    c_ = copied(encoded.c_n.select(0, 0));
    input_ = model.decoder_in_0.unsqueeze(0).expand({batch * copies, d});
  }

  Tensor log_p(double temperature) override {
    step();
    const PointerDecoder& decoder = *model_.decoder;
    Tensor query = next_h_;
    for (int64_t g = 0; g < model_.config().n_glimpses; ++g)
      query = attend(
          decoder.glimpse->logits(query, glimpse_ref_).masked_fill(state_.visited(), -kInfinity),
          glimpse_ref_);
    const Tensor logits =
        decoder.pointer->logits(query, pointer_ref_).masked_fill(state_.visited(), -kInfinity);
    return (temperature == 1 ? logits : logits / temperature).log_softmax(1);
  }

  void visit(const Tensor& nodes) override {
    step();
    h_ = next_h_;
    c_ = next_c_;
    stepped_ = false;
    const int64_t rows = nodes.size(0), d = embedded_.size(2);
    input_ = embedded_.gather(1, nodes.view({rows, 1, 1}).expand({rows, 1, d})).squeeze(1);
    state_.visit(nodes);
  }

  // The encoder's outputs are the same for every copy of an instance.
  void reorder(const Tensor& rows) override {
    for (Tensor* row_state : {&h_, &c_, &input_, &next_h_, &next_c_})
      if (row_state->defined()) *row_state = row_state->index_select(0, rows);
    state_.reorder(rows);
  }

 private:
  void step() {
    if (stepped_) return;
    std::tie(next_h_, next_c_) = model_.decoder->lstm->forward(input_, h_, c_);
    stepped_ = true;
  }

  PointerNetwork& model_;
  Tensor embedded_, glimpse_ref_, pointer_ref_;
  Tensor h_, c_, input_, next_h_, next_c_;
  bool stepped_ = false;
};

}  // namespace

std::unique_ptr<TspDecoding> PointerNetwork::begin(const Tensor& coords, int64_t copies) {
  KILN_CHECK(coords.dim() == 3 && coords.size(2) == 2 && coords.size(1) > 0,
             "PointerNetwork: expected coordinates [B, n, 2] with n > 0, got ", coords.shape());
  KILN_CHECK(copies > 0, "PointerNetwork: copies must be positive, got ", copies);
  return std::make_unique<PointerDecoding>(*this, coords, copies);
}

std::shared_ptr<TspPolicy> PointerNetwork::copy() const {
  auto twin = std::make_shared<PointerNetwork>(config_);
  twin->to(embedding.device());
  twin->load_state_dict(state_dict());
  return twin;
}

CriticNetworkLSTM::CriticNetworkLSTM(int64_t hidden_dim, int64_t n_process_block_iters,
                                     double tanh_clipping)
    : Module("CriticNetworkLSTM"), n_process_block_iters_(n_process_block_iters) {
  KILN_CHECK(hidden_dim > 0 && n_process_block_iters >= 0,
             "CriticNetworkLSTM: hidden_dim must be positive and n_process_block_iters >= 0, got ",
             hidden_dim, " and ", n_process_block_iters);
  encoder = register_module("encoder", std::make_shared<PointerEncoder>(2, hidden_dim));
  process_block = register_module("process_block",
                                  std::make_shared<PointerAttention>(hidden_dim, tanh_clipping));
  decoder = register_module(
      "decoder",
      std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::UnaryModule>>{
          std::make_shared<nn::Linear>(hidden_dim, hidden_dim), std::make_shared<nn::ReLU>(),
          std::make_shared<nn::Linear>(hidden_dim, 1)}));
}

Tensor CriticNetworkLSTM::forward(const Tensor& coords) {
  const nn::ModuleScope scope(*this);
  KILN_CHECK(coords.dim() == 3 && coords.size(2) == 2 && coords.size(1) > 0,
             "CriticNetworkLSTM: expected coordinates [B, n, 2] with n > 0, got ", coords.shape());
  const int64_t batch = coords.size(0), hidden = encoder->init_hx.size(0);
  const nn::RecurrentResult encoded = encoder->lstm->forward(
      coords, encoder->init_hx.view({1, 1, hidden}).expand({1, batch, hidden}),
      encoder->init_cx.view({1, 1, hidden}).expand({1, batch, hidden}));
  const Tensor projected = process_block->project(encoded.output);
  Tensor state = encoded.h_n.select(0, 0);
  for (int64_t step = 0; step < n_process_block_iters_; ++step)
    state = attend(process_block->logits(state, projected), projected);
  return decoder->forward(state).squeeze(1);
}

}  // namespace kiln::models
