// Layers and losses against PyTorch: outputs and gradients from fixtures that
// bench/pytorch/make_fixtures.py wrote with the same weights and inputs. Tolerances: float64
// cases 1e-10 relative; float32 cases 1e-5 relative.
#include <functional>

#include "autograd/functions.h"
#include "nn/activation.h"
#include "nn/attention.h"
#include "nn/batch_norm.h"
#include "nn/conv.h"
#include "nn/embedding.h"
#include "nn/golden_checks.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/normalization.h"
#include "nn/recurrent.h"
#include "tensor/creation.h"

namespace kiln::nn {
namespace {

using testing::check_function;
using testing::check_module;
using testing::check_unary;
using testing::Golden;
using testing::kAtol32;
using testing::kAtol64;
using testing::kRtol32;
using testing::kRtol64;

TEST(Golden, Linear) {
  Linear linear(4, 3);
  check_unary("linear", linear);
  Linear no_bias(4, 3, false);
  check_unary("linear_no_bias_f32", no_bias);
}

TEST(Golden, Bilinear) {
  Bilinear bilinear(3, 4, 2);
  check_module("bilinear", bilinear,
               [&](const std::vector<Tensor>& in) { return bilinear.forward(in[0], in[1]); });
}

TEST(Golden, EmbeddingWithPaddingIndex) {
  Embedding embedding(6, 3, 1);
  check_unary("embedding_padding", embedding);
}

TEST(Golden, LayerNormAndRMSNorm) {
  LayerNorm two_dims({3, 4});
  check_unary("layer_norm_2d", two_dims);
  LayerNorm no_affine({5}, 1e-5, false);
  check_unary("layer_norm_no_affine_f32", no_affine);
  RMSNorm rms({4});
  check_unary("rms_norm", rms);
  RMSNorm rms_f32({4}, 1e-3);
  check_unary("rms_norm_f32", rms_f32);
}

TEST(Golden, Activations) {
  LeakyReLU leaky(0.1);
  check_unary("act_leaky_relu", leaky);
  GELU gelu_erf;
  check_unary("act_gelu", gelu_erf);
  GELU gelu_tanh(GeluApproximation::Tanh);
  check_unary("act_gelu_tanh", gelu_tanh);
  SiLU silu_module;
  check_unary("act_silu", silu_module);
  Tanh tanh_module;
  check_unary("act_tanh", tanh_module);
  Sigmoid sigmoid_module;
  check_unary("act_sigmoid", sigmoid_module);
  Softplus softplus_module(2, 5);
  check_unary("act_softplus", softplus_module);
  Softmax softmax_module(1);
  check_unary("act_softmax", softmax_module);
}

TEST(Golden, Convolutions) {
  using functional::PaddingMode;
  Conv1d conv1d(4, 6, 3, {.stride = {2}, .padding = {1}, .dilation = {2}, .groups = 2});
  check_unary("conv1d", conv1d);
  Conv1d same(3, 2, 4, {.mode = PaddingMode::Same});
  check_unary("conv1d_same", same);
  Conv1d causal(3, 2, 3, {.dilation = {2}, .mode = PaddingMode::Causal});
  check_unary("conv1d_causal", causal);
  Conv2d conv2d(4, 6, {3, 2},
                {.stride = {2, 1}, .padding = {1, 1}, .dilation = {1, 2}, .groups = 2});
  check_unary("conv2d", conv2d);
  ConvTranspose1d transpose1d(4, 6, 3,
                              {.stride = {2}, .padding = {1}, .output_padding = {1}, .groups = 2});
  check_unary("conv_transpose1d", transpose1d);
  ConvTranspose2d transpose2d(2, 3, {3, 2},
                              {.stride = {2, 1}, .padding = {1, 0}, .dilation = {1, 2}});
  check_unary("conv_transpose2d", transpose2d);
}

TEST(Golden, Pooling) {
  MaxPool max1d({.kernel = {3}, .stride = {2}, .padding = {1}});
  check_unary("max_pool1d", max1d);
  MaxPool max2d({.kernel = {2, 3}, .stride = {2, 1}, .padding = {1, 1}, .ceil_mode = true});
  check_unary("max_pool2d", max2d);
  AvgPool avg1d({.kernel = {3}, .stride = {2}, .padding = {1}, .count_include_pad = false});
  check_unary("avg_pool1d", avg1d);
  AvgPool avg2d({.kernel = {3, 3}, .stride = {2}, .padding = {1}, .ceil_mode = true});
  check_unary("avg_pool2d", avg2d);
  // A window larger than the input: ceil_mode still gives one output.
  MaxPool max_small({.kernel = {3}, .stride = {2}, .ceil_mode = true});
  check_unary("max_pool1d_ceil_small", max_small);
  AvgPool avg_small({.kernel = {3}, .stride = {2}, .ceil_mode = true});
  check_unary("avg_pool1d_ceil_small", avg_small);
  AdaptiveAvgPool adaptive1d({4});
  check_unary("adaptive_avg_pool1d", adaptive1d);
  AdaptiveAvgPool adaptive2d({3, 2});
  check_unary("adaptive_avg_pool2d", adaptive2d);
}

TEST(Golden, BatchNorm) {
  BatchNorm1d train(3);
  check_unary("batch_norm1d_train", train);
  BatchNorm1d cumulative(3, 1e-5, std::nullopt);
  check_unary("batch_norm1d_cumulative", cumulative);
  BatchNorm2d eval(3);
  eval.eval();
  check_unary("batch_norm2d_eval", eval);
}

void check_attention(const std::string& name, MultiheadAttention& mha, AttentionOptions options) {
  const Golden golden(name);
  mha.to(kFloat64);
  mha.load_state_dict(golden.with_prefix("param."));
  Tensor query = golden["input"].clone().requires_grad_();
  Tensor key = golden["key"].clone().requires_grad_();
  Tensor value = golden["value"].clone().requires_grad_();
  if (golden.has("key_padding_mask")) options.key_padding_mask = golden["key_padding_mask"];
  if (golden.has("attn_mask")) options.attn_mask = golden["attn_mask"].clone();
  if (golden.has("grad.attn_mask")) options.attn_mask.requires_grad_();
  const AttentionResult result = mha.forward(query, key, value, options);
  golden.expect_close(result.output, "output", kRtol64, kAtol64);
  golden.expect_close(result.weights, "weights", kRtol64, kAtol64);
  ((result.output * golden["grad_output"]).sum() + (result.weights * golden["grad_weights"]).sum())
      .backward();
  golden.expect_close(query.grad(), "grad.input", kRtol64, kAtol64);
  golden.expect_close(key.grad(), "grad.key", kRtol64, kAtol64);
  golden.expect_close(value.grad(), "grad.value", kRtol64, kAtol64);
  if (golden.has("grad.attn_mask"))
    golden.expect_close(options.attn_mask.grad(), "grad.attn_mask", kRtol64, kAtol64);
  for (const auto& [pname, p] : mha.named_parameters()) {
    golden.expect_close(p.grad(), "grad.param." + pname, kRtol64, kAtol64);
  }
}

TEST(Golden, MultiheadAttention) {
  MultiheadAttention basic(8, 2);
  check_attention("mha_basic", basic, {});
  MultiheadAttention batch_first(8, 2, 0, true, std::nullopt, std::nullopt, true);
  check_attention("mha_batch_first_masks", batch_first, {.average_attn_weights = false});
  MultiheadAttention separate(8, 4, 0, true, 6, 3);
  check_attention("mha_kdim_vdim", separate, {});
  MultiheadAttention causal(8, 2);
  check_attention("mha_causal", causal, {.is_causal = true});
  MultiheadAttention float_mask(8, 2, 0, true, std::nullopt, std::nullopt, true);
  check_attention("mha_float_mask_grad", float_mask, {.average_attn_weights = false});
}

// Recurrent fixtures, in the fixture's dtype: every output (output, h_n, c_n, or a cell's h, c)
// and the gradients of their sum against the fixture's cotangents, for the input, initial
// states and parameters.
void check_recurrent(const std::string& name, Module& module,
                     const std::function<std::map<std::string, Tensor>(const Tensor&, const Tensor&,
                                                                       const Tensor&)>& run) {
  const Golden golden(name);
  const DType dtype = golden["input"].dtype();
  const auto [rtol, atol] = testing::tolerance_for(dtype);
  module.to(dtype);
  module.load_state_dict(golden.with_prefix("param."));
  Tensor input = golden["input"].clone().requires_grad_();
  Tensor h0 = golden.has("h0") ? golden["h0"].clone().requires_grad_() : Tensor();
  Tensor c0 = golden.has("c0") ? golden["c0"].clone().requires_grad_() : Tensor();
  const std::map<std::string, Tensor> outputs = run(input, h0, c0);
  Tensor loss = zeros({}, {.dtype = dtype});
  for (const auto& [key, value] : outputs) {
    if (!value.defined()) continue;
    golden.expect_close(value, key, rtol, atol);
    loss = loss + (value * golden["cotangent." + key]).sum();
  }
  loss.backward();
  golden.expect_close(input.grad(), "grad.input", rtol, atol);
  if (h0.defined()) golden.expect_close(h0.grad(), "grad.h0", rtol, atol);
  if (c0.defined()) golden.expect_close(c0.grad(), "grad.c0", rtol, atol);
  for (const auto& [pname, p] : module.named_parameters()) {
    golden.expect_close(p.grad(), "grad.param." + pname, rtol, atol);
  }
}

std::map<std::string, Tensor> layer_outputs(const RecurrentResult& r) {
  return {{"output", r.output}, {"h_n", r.h_n}, {"c_n", r.c_n}};
}

TEST(Golden, RecurrentLayers) {
  RNN rnn(3, 4, {.num_layers = 2});
  check_recurrent("rnn_tanh_2_layers", rnn, [&](const Tensor& x, const Tensor& h, const Tensor&) {
    return layer_outputs(rnn.forward(x, h));
  });
  RNN relu(3, 4, {.batch_first = true, .bidirectional = true}, true);
  check_recurrent("rnn_relu_bidirectional_batch_first", relu,
                  [&](const Tensor& x, const Tensor&, const Tensor&) {
                    return layer_outputs(relu.forward(x));
                  });
  LSTM lstm(3, 4, {.num_layers = 2, .bidirectional = true});
  check_recurrent("lstm_2_layers_bidirectional", lstm,
                  [&](const Tensor& x, const Tensor& h, const Tensor& c) {
                    return layer_outputs(lstm.forward(x, h, c));
                  });
  LSTM unbatched(3, 4);
  check_recurrent("lstm_unbatched", unbatched, [&](const Tensor& x, const Tensor&, const Tensor&) {
    return layer_outputs(unbatched.forward(x));
  });
  GRU gru(3, 4, {.num_layers = 2, .batch_first = true});
  check_recurrent("gru_2_layers_batch_first", gru,
                  [&](const Tensor& x, const Tensor& h, const Tensor&) {
                    return layer_outputs(gru.forward(x, h));
                  });
}

// LSTM with projections (proj_size; Sak et al. 2014): h_t = W_hr (o_t * tanh(c_t)).
TEST(Golden, LstmWithProjections) {
  LSTM one_layer(3, 5, {.proj_size = 2});
  check_recurrent("lstm_proj_1_layer", one_layer,
                  [&](const Tensor& x, const Tensor&, const Tensor&) {
                    return layer_outputs(one_layer.forward(x));
                  });
  LSTM bidirectional(3, 5,
                     {.num_layers = 2, .batch_first = true, .bidirectional = true, .proj_size = 3});
  check_recurrent("lstm_proj_2_layers_bidirectional_batch_first", bidirectional,
                  [&](const Tensor& x, const Tensor& h, const Tensor& c) {
                    return layer_outputs(bidirectional.forward(x, h, c));
                  });
  LSTM f32(4, 6, {.num_layers = 2, .proj_size = 3});
  check_recurrent("lstm_proj_2_layers_f32", f32,
                  [&](const Tensor& x, const Tensor& h, const Tensor& c) {
                    return layer_outputs(f32.forward(x, h, c));
                  });
}

TEST(Golden, RecurrentCells) {
  auto cell_outputs = [](std::pair<Tensor, Tensor> r) {
    return std::map<std::string, Tensor>{{"h", r.first}, {"c", r.second}};
  };
  RNNCell rnn(3, 4);
  check_recurrent("rnn_cell", rnn, [&](const Tensor& x, const Tensor& h, const Tensor&) {
    return cell_outputs(rnn.forward(x, h));
  });
  LSTMCell lstm(3, 4);
  check_recurrent("lstm_cell", lstm, [&](const Tensor& x, const Tensor& h, const Tensor& c) {
    return cell_outputs(lstm.forward(x, h, c));
  });
  GRUCell gru(3, 4);
  check_recurrent("gru_cell", gru, [&](const Tensor& x, const Tensor& h, const Tensor&) {
    return cell_outputs(gru.forward(x, h));
  });
}

TEST(Golden, SequentialStateDictLoadsByPyTorchNames) {
  Sequential model(
      {std::make_shared<Linear>(4, 8), std::make_shared<ReLU>(), std::make_shared<Linear>(8, 2)});
  const auto names = model.state_dict();
  EXPECT_TRUE(names.contains("0.weight") && names.contains("2.bias"));
  check_unary("sequential_mlp", model);
}

// Loss fixtures: the loss, and the gradients of (loss * grad_output).sum() for each input
// that required grad in PyTorch.

TEST(Golden, RegressionLosses) {
  const std::pair<const char*, Reduction> reductions[] = {
      {"mse_mean", Reduction::Mean}, {"mse_sum", Reduction::Sum}, {"mse_none", Reduction::None}};
  for (const auto& [name, reduction] : reductions) {
    check_function(name, {"input"}, [reduction](const Golden& g, auto& in) {
      return mse_loss(in["input"], g["target"], reduction);
    });
  }
  check_function("l1", {"input"},
                 [](const Golden& g, auto& in) { return l1_loss(in["input"], g["target"]); });
  check_function("smooth_l1", {"input"}, [](const Golden& g, auto& in) {
    return smooth_l1_loss(in["input"], g["target"], Reduction::Mean, 0.5);
  });
  check_function("huber", {"input"}, [](const Golden& g, auto& in) {
    return huber_loss(in["input"], g["target"], Reduction::Sum, 0.7);
  });
  check_function("gaussian_nll_full", {"input", "var"}, [](const Golden& g, auto& in) {
    return gaussian_nll_loss(in["input"], g["target"], in["var"], true, 1e-2);
  });
}

TEST(Golden, ClassificationLosses) {
  check_function("cross_entropy_indices", {"input"}, [](const Golden& g, auto& in) {
    return cross_entropy(in["input"], g["target"],
                         {.weight = g["weight"], .ignore_index = -100, .label_smoothing = 0.1});
  });
  check_function("cross_entropy_sum_no_weight", {"input"}, [](const Golden& g, auto& in) {
    return cross_entropy(in["input"], g["target"], {.reduction = Reduction::Sum});
  });
  check_function("cross_entropy_spatial", {"input"}, [](const Golden& g, auto& in) {
    return cross_entropy(in["input"], g["target"], {.reduction = Reduction::None});
  });
  check_function("cross_entropy_probabilities", {"input"}, [](const Golden& g, auto& in) {
    return cross_entropy(in["input"], g["target"], {.weight = g["weight"], .label_smoothing = 0.2});
  });
  check_function("nll_weighted", {"input"}, [](const Golden& g, auto& in) {
    return nll_loss(in["input"], g["target"], g["weight"]);
  });
  check_function("bce_weighted", {"input"}, [](const Golden& g, auto& in) {
    return binary_cross_entropy(in["input"], g["target"], g["weight"]);
  });
  check_function("bce_logits_pos_weight", {"input"}, [](const Golden& g, auto& in) {
    return binary_cross_entropy_with_logits(in["input"], g["target"], {}, g["pos_weight"]);
  });
  check_function("kl_div_batchmean", {"input"}, [](const Golden& g, auto& in) {
    return kl_div(in["input"], g["target"], Reduction::BatchMean);
  });
  check_function("kl_div_log_target", {"input", "target"}, [](const Golden&, auto& in) {
    return kl_div(in["input"], in["target"], Reduction::Sum, true);
  });
}

TEST(Golden, LossEdgeCases) {
  // p of exactly 0 and 1: a loss of 100 (the clamped log), finite gradients of 1e12.
  check_function("bce_saturated", {"input", "target"}, [](const Golden&, auto& in) {
    return binary_cross_entropy(in["input"], in["target"], {}, Reduction::None);
  });
  // NaN for a negative target, and for a zero target against an input of -inf.
  check_function("kl_div_nan", {"input"}, [](const Golden& g, auto& in) {
    return kl_div(in["input"], g["target"], Reduction::None);
  });
}

}  // namespace
}  // namespace kiln::nn
