#pragma once

#include <optional>

#include "nn/containers.h"
#include "nn/linear.h"

namespace kiln::nn {

struct AttentionResult {
  Tensor output;   // [L, N, E], or [N, L, E] with batch_first
  Tensor weights;  // [N, L, S] averaged over heads, [N, H, L, S] per head; undefined unless asked
};

struct AttentionOptions {
  // [N, S] bool, true = a padding key to ignore.
  Tensor key_padding_mask = {};
  // [L, S] or [N * H, L, S]: bool (true = not allowed, PyTorch's convention here) or float
  // (added to the scores).
  Tensor attn_mask = {};
  bool need_weights = true;
  bool average_attn_weights = true;
  // Masks keys after each query (attn_mask, if given, is added on top).
  bool is_causal = false;
};

// The projections of multi-head attention: a packed in_proj_weight [3E, E], or separate
// q/k/v weights; biases optional.
struct AttentionWeights {
  Tensor in_proj_weight = {};
  Tensor q_proj_weight = {}, k_proj_weight = {}, v_proj_weight = {};
  Tensor in_proj_bias = {};
  Tensor out_proj_weight = {}, out_proj_bias = {};
};

namespace functional {
// Multi-head attention on batch-first [N, L, E] query and [N, S, *] key and value
// (torch.nn.functional.multi_head_attention_forward).
AttentionResult multi_head_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                     const AttentionWeights& weights, int64_t num_heads,
                                     const AttentionOptions& options = {}, double dropout_p = 0);
}  // namespace functional

// Multi-head attention (Vaswani et al. 2017, section 3.2.2) with PyTorch's parameters:
// in_proj_weight [3E, E] (or q/k/v_proj_weight when kdim or vdim differ from E),
// in_proj_bias [3E], out_proj. The heads run through scaled_dot_product_attention.
class MultiheadAttention : public Module {
 public:
  MultiheadAttention(int64_t embed_dim, int64_t num_heads, double dropout = 0, bool bias = true,
                     std::optional<int64_t> kdim = std::nullopt,
                     std::optional<int64_t> vdim = std::nullopt, bool batch_first = false);
  AttentionResult forward(const Tensor& query, const Tensor& key, const Tensor& value,
                          const AttentionOptions& options = {});
  std::string extra_repr() const override;

  Tensor in_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight, in_proj_bias;
  std::shared_ptr<Linear> out_proj;

 private:
  int64_t embed_dim_, num_heads_;
  double dropout_;
  bool batch_first_;
};

}  // namespace kiln::nn
