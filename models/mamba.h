#pragma once

// Mamba (Gu and Dao 2023, "Mamba: Linear-Time Sequence Modeling with Selective State
// Spaces"): a language model of pre-norm residual blocks, each a Mamba mixer (a gated
// causal convolution feeding a selective state-space scan, section 3), after
// state-spaces/mamba's MambaLMHeadModel with RMSNorm, no MLP and the add and norm unfused.
// Module and parameter names are mamba_ssm's ("backbone.layers.0.mixer.A_log"), so its
// checkpoints load by name; bench/pytorch/mamba_twin.py is the PyTorch twin.
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/layers.h"
#include "nn/containers.h"
#include "nn/conv.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/normalization.h"
#include "optim/optimizer.h"

namespace kiln::models {

// mamba_ssm's MambaConfig with the mixer's arguments (its ssm_cfg) flattened in.
struct MambaConfig {
  int64_t d_model = 64;
  int64_t n_layer = 2;
  int64_t vocab_size = 16;
  int64_t d_state = 16;  // N, the state size per channel
  int64_t d_conv = 4;    // the causal convolution's width
  int64_t expand = 2;    // d_inner = expand * d_model channels
  int64_t dt_rank = 0;   // the rank of the step's projection; 0 means ceil(d_model / 16)
  // The initial step dt = softplus(dt_proj.bias) is drawn log-uniformly in
  // [dt_min, dt_max] and floored at dt_init_floor; dt_proj.weight from
  // U(+-dt_scale / sqrt(dt_rank)).
  double dt_min = 1e-3;
  double dt_max = 1e-1;
  double dt_init_floor = 1e-4;
  double dt_scale = 1.0;
  bool conv_bias = true;
  bool bias = false;  // in_proj's and out_proj's
  double norm_epsilon = 1e-5;
  bool tie_embeddings = true;

  int64_t d_inner() const { return expand * d_model; }
  int64_t resolved_dt_rank() const { return dt_rank > 0 ? dt_rank : (d_model + 15) / 16; }
};
// As JSON (checkpoints carry it); a missing field keeps its default.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MambaConfig, d_model, n_layer, vocab_size, d_state,
                                                d_conv, expand, dt_rank, dt_min, dt_max,
                                                dt_init_floor, dt_scale, conv_bias, bias,
                                                norm_epsilon, tie_embeddings)

// Throws kiln::Error naming the first field out of range.
void validate(const MambaConfig& config);

// One layer's recurrent state: the last d_conv inputs of the convolution, conv_state
// [B, d_inner, d_conv], and the scan's state, ssm_state [B, d_inner, d_state].
struct MambaLayerState {
  Tensor conv_state, ssm_state;
};
// Every layer's state, for decoding one token at a time.
struct MambaInferenceCache {
  std::vector<MambaLayerState> layers;
};

// The mixer (mamba_simple.py's Mamba): in_proj splits into x and z; x goes through a causal
// depthwise convolution and SiLU; x_proj gives the step's low-rank input r and the
// input-dependent B and C; the selective scan over x, gated by silu(z), goes out through
// out_proj. Per channel, with A = -exp(A_log):
//   dt_l = softplus(dt_proj.weight r_l + dt_proj.bias),
//   h_l = exp(dt_l A) h_{l-1} + dt_l B_l x_l,  y_l = C_l h_l + D x_l,  out_l = y_l silu(z_l).
class Mamba : public nn::UnaryModule {
 public:
  explicit Mamba(const MambaConfig& config);
  // hidden_states [B, L, d_model] -> [B, L, d_model].
  Tensor forward(const Tensor& hidden_states) override;
  // The same, and `state` set to the states after the last step (prefill before `step`).
  Tensor forward(const Tensor& hidden_states, MambaLayerState& state);
  // One token, hidden_states [B, d_model] -> [B, d_model], advancing `state` (Mamba.step):
  // O(1) in the length of what came before.
  Tensor step(const Tensor& hidden_states, MambaLayerState& state);
  // Zero states for a batch, in the parameters' dtype and on their device.
  MambaLayerState allocate_inference_cache(int64_t batch) const;

  std::shared_ptr<nn::Linear> in_proj, x_proj, dt_proj, out_proj;
  std::shared_ptr<nn::Conv1d> conv1d;
  Tensor A_log;  // [d_inner, d_state]
  Tensor D;      // [d_inner], the skip connection

 private:
  Tensor mix(const Tensor& hidden_states, MambaLayerState* state);
  // The scan's inputs from x [..., d_inner]: dt (before its bias) [..., d_inner], and B and C
  // [..., d_state].
  struct ScanInputs {
    Tensor dt, B, C;
  };
  ScanInputs project(const Tensor& x);

  int64_t d_state_, d_conv_, dt_rank_;
};

// mamba_ssm's Block (fused_add_norm=False): residual = hidden + residual (hidden alone in the
// first block); hidden = mixer(norm(residual)). Returns (hidden, residual).
class MambaBlock : public nn::Module {
 public:
  explicit MambaBlock(const MambaConfig& config);
  std::pair<Tensor, Tensor> forward(const Tensor& hidden_states, const Tensor& residual,
                                    MambaLayerState* state = nullptr);
  std::pair<Tensor, Tensor> step(const Tensor& hidden_states, const Tensor& residual,
                                 MambaLayerState& state);

  std::shared_ptr<nn::RMSNorm> norm;
  std::shared_ptr<Mamba> mixer;
};

// mamba_ssm's MixerModel: embedding, the blocks, and the final norm of the last residual.
class MambaMixerModel : public nn::Module {
 public:
  explicit MambaMixerModel(const MambaConfig& config);
  // tokens [B, L] -> the final hidden states [B, L, d_model].
  Tensor forward(const Tensor& tokens, MambaInferenceCache* cache = nullptr);
  // tokens [B] -> [B, d_model].
  Tensor step(const Tensor& tokens, MambaInferenceCache& cache);

  std::shared_ptr<nn::Embedding> embedding;
  std::shared_ptr<nn::ModuleList> layers;
  std::shared_ptr<nn::RMSNorm> norm_f;
};

class MambaLMHeadModel : public nn::Module {
 public:
  explicit MambaLMHeadModel(const MambaConfig& config);
  const MambaConfig& config() const { return config_; }
  std::string extra_repr() const override;

  // tokens [B, L] int64 -> logits [B, L, vocab_size].
  Tensor forward(const Tensor& tokens);
  // The same, and `cache` set to every layer's states after the last token (a prompt's
  // prefill; `step` goes on from there).
  Tensor forward(const Tensor& tokens, MambaInferenceCache& cache);
  // Recurrent decoding: the next token of each row, tokens [B] -> logits [B, vocab_size],
  // advancing `cache`; the logits are the full forward's at that position. Wrap it in a
  // NoGradGuard to decode without recording a graph.
  Tensor step(const Tensor& tokens, MambaInferenceCache& cache);
  // Every layer's zero states for a batch: the cache of an empty prefix.
  MambaInferenceCache allocate_inference_cache(int64_t batch) const;
  // Mean cross-entropy of logits [B, L, V] against targets [B, L] (-100 left out).
  Tensor loss(const Tensor& logits, const Tensor& targets) const;

  // The parameters mamba_ssm marks _no_weight_decay: every A_log and D, by name.
  std::set<std::string> no_weight_decay() const;
  // Two groups of `options`: the parameters that decay, then no_weight_decay() with
  // weight_decay 0.
  template <typename Options>
  std::vector<optim::ParamGroup<Options>> param_groups(const Options& options) const {
    const std::set<std::string> kept = no_weight_decay();
    std::vector<optim::ParamGroup<Options>> groups(2, {.params = {}, .options = options});
    groups[1].options.weight_decay = 0;
    for (const auto& [name, param] : named_parameters())
      groups[kept.contains(name) ? 1 : 0].params.push_back(param);
    return groups;
  }

  std::shared_ptr<MambaMixerModel> backbone;
  std::shared_ptr<nn::UnaryModule> lm_head;  // tied to backbone.embedding unless configured not

 private:
  MambaConfig config_;
};

}  // namespace kiln::models
