#include "models/forecast/patchtst_encoder.h"

#include <cmath>
#include <tuple>

#include "autograd/functions.h"
#include "nn/activation.h"
#include "nn/batch_norm.h"
#include "nn/init.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::models {
namespace {

using Layers = std::initializer_list<std::shared_ptr<nn::UnaryModule>>;

std::shared_ptr<nn::UnaryModule> activation(const std::string& name) {
  if (name == "gelu") return std::make_shared<nn::GELU>();
  if (name == "relu") return std::make_shared<nn::ReLU>();
  throw Error("PatchTST: act must be \"gelu\" or \"relu\", got \"" + name + "\"");
}

std::shared_ptr<nn::Sequential> batch_norm_over_patches(int64_t d_model) {
  return std::make_shared<nn::Sequential>(Layers{std::make_shared<Transpose>(1, 2),
                                                 std::make_shared<nn::BatchNorm1d>(d_model),
                                                 std::make_shared<Transpose>(1, 2)});
}

}  // namespace

ScaledDotProductAttention::ScaledDotProductAttention(int64_t d_model, int64_t n_heads,
                                                     double dropout_p)
    : Module("_ScaledDotProductAttention") {
  attn_dropout = register_module("attn_dropout", std::make_shared<nn::Dropout>(dropout_p));
  const double head_dim = static_cast<double>(d_model / n_heads);
  scale = register_buffer("scale", scalar_tensor(1 / std::sqrt(head_dim), {.dtype = kFloat32}));
}

TSTAttention ScaledDotProductAttention::forward(const Tensor& q, const Tensor& k, const Tensor& v,
                                                const Tensor& prev) {
  const nn::ModuleScope scope(*this);
  Tensor scores = q.matmul(k) * scale;
  if (prev.defined()) scores = scores + prev;
  const Tensor weights = (*attn_dropout)(scores.softmax(-1));
  return {.output = weights.matmul(v), .weights = weights, .scores = scores};
}

TSTMultiheadAttention::TSTMultiheadAttention(const TSTEncoderOptions& options)
    : Module("_MultiheadAttention"),
      n_heads_(options.n_heads),
      d_k_(options.d_model / options.n_heads) {
  W_Q = register_module("W_Q", std::make_shared<nn::Linear>(options.d_model, options.d_model));
  W_K = register_module("W_K", std::make_shared<nn::Linear>(options.d_model, options.d_model));
  W_V = register_module("W_V", std::make_shared<nn::Linear>(options.d_model, options.d_model));
  sdp_attn =
      register_module("sdp_attn", std::make_shared<ScaledDotProductAttention>(
                                      options.d_model, options.n_heads, options.attn_dropout));
  to_out =
      register_module("to_out", std::make_shared<nn::Sequential>(Layers{
                                    std::make_shared<nn::Linear>(options.d_model, options.d_model),
                                    std::make_shared<nn::Dropout>(options.dropout)}));
}

TSTAttention TSTMultiheadAttention::forward(const Tensor& x, const Tensor& prev) {
  const nn::ModuleScope scope(*this);
  const int64_t batch = x.size(0);
  auto heads = [&](nn::Linear& projection) {
    return projection(x).view({batch, -1, n_heads_, d_k_});  // [N, L, H, d_k]
  };
  const Tensor q = heads(*W_Q).transpose(1, 2);
  const Tensor k = heads(*W_K).permute({0, 2, 3, 1});  // [N, H, d_k, L]
  const Tensor v = heads(*W_V).transpose(1, 2);
  TSTAttention attended = sdp_attn->forward(q, k, v, prev);
  attended.output =
      (*to_out)(attended.output.transpose(1, 2).reshape({batch, -1, n_heads_ * d_k_}));
  return attended;
}

TSTEncoderLayer::TSTEncoderLayer(const TSTEncoderOptions& options)
    : Module("TSTEncoderLayer"),
      res_attention_(options.res_attention),
      pre_norm_(options.pre_norm) {
  self_attn = register_module("self_attn", std::make_shared<TSTMultiheadAttention>(options));
  dropout_attn = register_module("dropout_attn", std::make_shared<nn::Dropout>(options.dropout));
  norm_attn = register_module("norm_attn", batch_norm_over_patches(options.d_model));
  ff = register_module(
      "ff", std::make_shared<nn::Sequential>(
                Layers{std::make_shared<nn::Linear>(options.d_model, options.d_ff),
                       activation(options.act), std::make_shared<nn::Dropout>(options.dropout),
                       std::make_shared<nn::Linear>(options.d_ff, options.d_model)}));
  dropout_ffn = register_module("dropout_ffn", std::make_shared<nn::Dropout>(options.dropout));
  norm_ffn = register_module("norm_ffn", batch_norm_over_patches(options.d_model));
}

std::pair<Tensor, Tensor> TSTEncoderLayer::forward(const Tensor& input, const Tensor& prev) {
  const nn::ModuleScope scope(*this);
  Tensor src = pre_norm_ ? (*norm_attn)(input) : input;
  const TSTAttention attended = self_attn->forward(src, res_attention_ ? prev : Tensor());
  src = src + (*dropout_attn)(attended.output);
  // Post-norm closes the attention block with norm_attn; pre-norm opens the next with norm_ffn.
  src = pre_norm_ ? (*norm_ffn)(src) : (*norm_attn)(src);
  src = src + (*dropout_ffn)((*ff)(src));
  if (!pre_norm_) src = (*norm_ffn)(src);
  return {src, res_attention_ ? attended.scores : Tensor()};
}

TSTEncoder::TSTEncoder(const TSTEncoderOptions& options) : Module("TSTEncoder") {
  layers = register_module("layers", std::make_shared<nn::ModuleList>());
  for (int64_t i = 0; i < options.n_layers; ++i)
    layers->push_back(std::make_shared<TSTEncoderLayer>(options));
}

Tensor TSTEncoder::forward(const Tensor& src) {
  const nn::ModuleScope scope(*this);
  Tensor output = src, scores;
  for (size_t i = 0; i < layers->size(); ++i)
    std::tie(output, scores) = layers->at<TSTEncoderLayer>(i)->forward(output, scores);
  return output;
}

TSTiEncoder::TSTiEncoder(int64_t patch_num, int64_t patch_len, const TSTEncoderOptions& options)
    : Module("TSTiEncoder") {
  W_P = register_module("W_P", std::make_shared<nn::Linear>(patch_len, options.d_model));
  W_pos = register_parameter("W_pos",
                             nn::init::uniform_(empty({patch_num, options.d_model}), -0.02, 0.02));
  dropout = register_module("dropout", std::make_shared<nn::Dropout>(options.dropout));
  encoder = register_module("encoder", std::make_shared<TSTEncoder>(options));
}

Tensor TSTiEncoder::forward(const Tensor& patches) {
  const nn::ModuleScope scope(*this);
  const int64_t batch = patches.size(0), channels = patches.size(1);
  const Tensor x = (*W_P)(patches);  // [B, C, patch_num, d_model]
  const Tensor u = (*dropout)(x.reshape({batch * channels, x.size(2), x.size(3)}) + W_pos);
  const Tensor z = encoder->forward(u);
  return z.reshape({batch, channels, z.size(1), z.size(2)}).permute({0, 1, 3, 2});
}

}  // namespace kiln::models
