#pragma once

// The pointer network of Vinyals, Fortunato and Jaitly 2015 ("Pointer Networks") in the form
// Bello, Pham, Le, Norouzi and Bengio 2016 ("Neural Combinatorial Optimization with
// Reinforcement Learning", section 3) train by REINFORCE: an LSTM encoder reads the embedded
// nodes; an LSTM decoder fed the last chosen node's embedding points at the next node through
// additive attention (u_i = v . tanh(W_q q + W_ref e_i)), after one glimpse, with logits
// clipped to C tanh(u) and visited nodes masked; and Bello's LSTM critic, which predicts the
// tour length from the encoder's last state after three process steps. Module and parameter
// names are wouterkool/attention-learn-to-route's nets/pointer_network.py (PointerNetwork,
// CriticNetworkLSTM); bench/pytorch/pointer_network_twin.py is the PyTorch twin.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/tsp_policy.h"
#include "nn/containers.h"
#include "nn/conv.h"
#include "nn/linear.h"
#include "nn/recurrent.h"

namespace kiln::models {

struct PointerNetworkConfig {
  int64_t embedding_dim = 128;
  int64_t hidden_dim = 128;
  double tanh_clipping = 10;  // C in C tanh(u); 0 for raw logits (Vinyals et al.)
  int64_t n_glimpses = 1;     // 0 for Vinyals et al.'s pointer network
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PointerNetworkConfig, embedding_dim, hidden_dim,
                                                tanh_clipping, n_glimpses)

// Throws kiln::Error naming the first field out of range.
void validate(const PointerNetworkConfig& config);

// Additive attention over reference vectors e_i = project_ref(r_i) (a 1x1 convolution):
// u_i = v . tanh(project_query(q) + e_i), logits C tanh(u) when clipping (C > 0).
class PointerAttention : public nn::Module {
 public:
  PointerAttention(int64_t dim, double tanh_clipping);
  // ref [B, n, d] -> e [B, n, d], computed once per instance.
  Tensor project(const Tensor& ref) const;
  // query [B, d] and e [B, n, d] -> logits [B, n].
  Tensor logits(const Tensor& query, const Tensor& projected) const;

  std::shared_ptr<nn::Linear> project_query;
  std::shared_ptr<nn::Conv1d> project_ref;
  Tensor v;

 private:
  double tanh_clipping_;
};

// An LSTM over the nodes with a trainable initial state (used by the critic).
class PointerEncoder : public nn::Module {
 public:
  PointerEncoder(int64_t input_dim, int64_t hidden_dim);

  std::shared_ptr<nn::LSTM> lstm;
  Tensor init_hx, init_cx;
};

class PointerDecoder : public nn::Module {
 public:
  PointerDecoder(int64_t embedding_dim, int64_t hidden_dim, double tanh_clipping);

  std::shared_ptr<nn::LSTMCell> lstm;
  std::shared_ptr<PointerAttention> pointer, glimpse;
};

class PointerNetwork : public TspPolicy {
 public:
  explicit PointerNetwork(const PointerNetworkConfig& config = {});
  const PointerNetworkConfig& config() const { return config_; }
  std::string extra_repr() const override;

  std::unique_ptr<TspDecoding> begin(const Tensor& coords, int64_t copies = 1) override;
  std::shared_ptr<TspPolicy> copy() const override;
  nlohmann::json config_json() const override { return config_; }

  Tensor embedding;     // [2, embedding_dim]: node coordinates to embeddings
  Tensor decoder_in_0;  // the decoder's first input
  std::shared_ptr<PointerEncoder> encoder;
  std::shared_ptr<PointerDecoder> decoder;

 private:
  PointerNetworkConfig config_;
};

// Bello et al.'s critic: b(s) = decoder(process^k(encoder(s))), k process steps of attention
// over the encoder's outputs starting from its last hidden state.
class CriticNetworkLSTM : public nn::Module {
 public:
  CriticNetworkLSTM(int64_t hidden_dim = 128, int64_t n_process_block_iters = 3,
                    double tanh_clipping = 10);
  // coords [B, n, 2] -> the predicted tour lengths [B].
  Tensor forward(const Tensor& coords);

  std::shared_ptr<PointerEncoder> encoder;
  std::shared_ptr<PointerAttention> process_block;
  std::shared_ptr<nn::Sequential> decoder;

 private:
  int64_t n_process_block_iters_;
};

}  // namespace kiln::models
