// The op registry's entries for nn/'s functional layers and losses: gradcheck and
// gradgradcheck in float64, like every op's (tests/autograd/test_op_registry.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/attention.h"
#include "nn/batch_norm.h"
#include "nn/conv_functional.h"
#include "nn/functional.h"
#include "nn/loss.h"
#include "nn/op_list.h"
#include "nn/recurrent.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using autograd::OpCall;
using autograd::OpEntry;
using autograd::OpSample;
using namespace autograd::samples;
using V = std::vector<Tensor>;

OpEntry entry(const char* name, std::function<std::vector<OpSample>(Generator&)> samples,
              double flops_per_element = 1) {
  return {.name = name, .samples = std::move(samples), .flops_per_element = flops_per_element};
}

// The same loss on every reduction.
std::vector<OpSample> each_reduction(const std::string& label, const V& inputs,
                                     const std::function<Tensor(const V&, Reduction)>& loss) {
  std::vector<OpSample> out;
  for (const auto& [name, reduction] :
       {std::pair{"mean", Reduction::Mean}, std::pair{"sum", Reduction::Sum},
        std::pair{"none", Reduction::None}}) {
    out.push_back({label + ", " + name, inputs,
                   [loss, reduction](const V& v) { return loss(v, reduction); }});
  }
  return out;
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry("linear", [](Generator& g) {
    return std::vector<OpSample>{
        {"[2, 3] x W[4, 3] + b",
         {leaf(normal(g, {2, 3})), leaf(normal(g, {4, 3})), leaf(normal(g, {4}))},
         [](const V& v) { return functional::linear(v[0], v[1], v[2]); }},
        {"batched, no bias", {leaf(normal(g, {2, 2, 3})), leaf(normal(g, {4, 3}))}, [](const V& v) {
           return functional::linear(v[0], v[1]);
         }}};
  }));
  entries.push_back(entry("bilinear", [](Generator& g) {
    return std::vector<OpSample>{
        {"[2, 3] and [2, 2] into 2",
         {leaf(normal(g, {2, 3})), leaf(normal(g, {2, 2})), leaf(normal(g, {2, 3, 2})),
          leaf(normal(g, {2}))},
         [](const V& v) { return functional::bilinear(v[0], v[1], v[2], v[3]); }}};
  }));
  entries.push_back(entry(
      "embedding_padding",
      [](Generator& g) {
        // The padding row gets no gradient by design, so it is a constant here; the sample
        // checks that every other row gets its gradient through Embedding's lookup.
        return std::vector<OpSample>{
            {"padding row 1",
             {leaf(normal(g, {3, 3})), indices({0, 1, 3, 1}, {2, 2}), normal(g, {1, 3})},
             [](const V& v) {
               const Tensor weight = cat({v[0].narrow(0, 0, 1), v[2], v[0].narrow(0, 1, 2)});
               return functional::embedding(weight, v[1], 1);
             }}};
      },
      0));
  entries.push_back(entry(
      "layer_norm_nd",
      [](Generator& g) {
        return std::vector<OpSample>{
            {"last 2 dims",
             {leaf(normal(g, {2, 3, 2})), leaf(normal(g, {3, 2})), leaf(normal(g, {3, 2}))},
             [](const V& v) { return functional::layer_norm(v[0], 2, v[1], v[2]); }}};
      },
      8));
  entries.push_back(entry(
      "rms_norm",
      [](Generator& g) {
        return std::vector<OpSample>{
            {"last dim",
             {leaf(normal(g, {3, 4})), leaf(normal(g, {4}))},
             [](const V& v) { return functional::rms_norm(v[0], 1, v[1], 1e-6); }},
            {"last 2 dims, no weight", {leaf(normal(g, {2, 2, 3}))}, [](const V& v) {
               return functional::rms_norm(v[0], 2, {});
             }}};
      },
      4));
  entries.push_back(entry("dropout", [](Generator& g) {
    // A generator seeded in the call gives every evaluation the same mask.
    return std::vector<OpSample>{{"p = 0.3", {leaf(normal(g, {4, 5}))}, [](const V& v) {
                                    Generator mask(11);
                                    return functional::dropout(v[0], 0.3, true, &mask);
                                  }}};
  }));
  entries.push_back(entry("leaky_relu", [](Generator& g) {
    return std::vector<OpSample>{{"slope 0.1", {leaf(avoiding(g, {3, 4}, {0.0}))}, [](const V& v) {
                                    return functional::leaky_relu(v[0], 0.1);
                                  }}};
  }));
  entries.push_back(entry(
      "softplus_beta",
      [](Generator& g) {
        return std::vector<OpSample>{{"beta 2, threshold 5",
                                      {leaf(avoiding(g, {3, 4}, {2.5}))},
                                      [](const V& v) { return functional::softplus(v[0], 2, 5); }}};
      },
      8));

  entries.push_back(entry("conv1d", [](Generator& g) {
    return std::vector<OpSample>{
        {"stride 2, padding 1, dilation 2, groups 2",
         {leaf(normal(g, {2, 4, 9})), leaf(normal(g, {4, 2, 3})), leaf(normal(g, {4}))},
         [](const V& v) {
           return functional::conv(v[0], v[1], v[2],
                                   {.stride = {2}, .padding = {1}, .dilation = {2}, .groups = 2});
         }},
        {"causal", {leaf(normal(g, {1, 2, 6})), leaf(normal(g, {3, 2, 2}))}, [](const V& v) {
           return functional::conv(v[0], v[1], {}, {.mode = functional::PaddingMode::Causal});
         }}};
  }));
  entries.push_back(entry("conv2d", [](Generator& g) {
    return std::vector<OpSample>{
        {"stride (2, 1), padding 1, groups 2",
         {leaf(normal(g, {1, 2, 5, 4})), leaf(normal(g, {2, 1, 3, 2})), leaf(normal(g, {2}))},
         [](const V& v) {
           return functional::conv(v[0], v[1], v[2],
                                   {.stride = {2, 1}, .padding = {1}, .groups = 2});
         }},
        {"same", {leaf(normal(g, {1, 1, 4, 4})), leaf(normal(g, {2, 1, 2, 3}))}, [](const V& v) {
           return functional::conv(v[0], v[1], {}, {.mode = functional::PaddingMode::Same});
         }}};
  }));
  entries.push_back(entry("conv_transpose1d", [](Generator& g) {
    return std::vector<OpSample>{
        {"stride 2, padding 1, output_padding 1, groups 2",
         {leaf(normal(g, {1, 4, 4})), leaf(normal(g, {4, 1, 3})), leaf(normal(g, {2}))},
         [](const V& v) {
           return functional::conv_transpose(
               v[0], v[1], v[2],
               {.stride = {2}, .padding = {1}, .output_padding = {1}, .groups = 2});
         }}};
  }));
  entries.push_back(entry("conv_transpose2d", [](Generator& g) {
    return std::vector<OpSample>{{"stride (2, 1), dilation (1, 2)",
                                  {leaf(normal(g, {1, 2, 3, 3})), leaf(normal(g, {2, 2, 2, 2}))},
                                  [](const V& v) {
                                    return functional::conv_transpose(
                                        v[0], v[1], {}, {.stride = {2, 1}, .dilation = {1, 2}});
                                  }}};
  }));
  entries.push_back(entry(
      "pad",
      [](Generator& g) {
        return std::vector<OpSample>{{"zeros",
                                      {leaf(normal(g, {2, 3, 2}))},
                                      [](const V& v) {
                                        return functional::pad(v[0], {{1, 0}, {2, 1}});
                                      }},
                                     {"value", {leaf(normal(g, {3, 2}))}, [](const V& v) {
                                        return functional::pad(v[0], {{0, 2}}, 1.5);
                                      }}};
      },
      0));
  entries.push_back(entry("max_pool", [](Generator& g) {
    return std::vector<OpSample>{
        {"1-d, stride 2, padding 1",
         {leaf(normal(g, {1, 2, 7}))},
         [](const V& v) {
           return functional::max_pool(v[0], {.kernel = {3}, .stride = {2}, .padding = {1}});
         }},
        {"2-d, ceil mode", {leaf(normal(g, {1, 1, 5, 4}))}, [](const V& v) {
           return functional::max_pool(v[0], {.kernel = {2, 2}, .ceil_mode = true});
         }}};
  }));
  entries.push_back(entry("avg_pool", [](Generator& g) {
    return std::vector<OpSample>{
        {"1-d, padding, count_include_pad off",
         {leaf(normal(g, {1, 2, 7}))},
         [](const V& v) {
           return functional::avg_pool(
               v[0], {.kernel = {3}, .stride = {2}, .padding = {1}, .count_include_pad = false});
         }},
        {"2-d, ceil mode", {leaf(normal(g, {1, 1, 5, 4}))}, [](const V& v) {
           return functional::avg_pool(v[0], {.kernel = {2, 3}, .ceil_mode = true});
         }}};
  }));
  entries.push_back(entry("adaptive_avg_pool", [](Generator& g) {
    return std::vector<OpSample>{
        {"1-d to 3",
         {leaf(normal(g, {1, 2, 7}))},
         [](const V& v) { return functional::adaptive_avg_pool(v[0], {3}); }},
        {"2-d to (2, 3)", {leaf(normal(g, {1, 1, 5, 4}))}, [](const V& v) {
           return functional::adaptive_avg_pool(v[0], {2, 3});
         }}};
  }));
  entries.push_back(entry(
      "batch_norm",
      [](Generator& g) {
        return std::vector<OpSample>{
            {"1-d, training statistics", {leaf(normal(g, {4, 3, 2}))}, [](const V& v) {
               BatchNorm1d norm(3);
               norm.to(v[0].dtype());
               norm.to(v[0].device());
               return norm(v[0]);
             }}};
      },
      8));

  entries.push_back(entry(
      "multihead_attention",
      [](Generator& g) {
        const Tensor padding = from_vector(
            std::vector<bool>{false, false, true, false, false, false, false, true}, {2, 4});
        return std::vector<OpSample>{
            {"2 heads, key padding, weights",
             {leaf(normal(g, {2, 3, 4})), leaf(normal(g, {2, 4, 4})), leaf(normal(g, {12, 4})),
              leaf(normal(g, {12})), leaf(normal(g, {4, 4})), leaf(normal(g, {4})), padding},
             [](const V& v) {
               const AttentionResult r =
                   functional::multi_head_attention(v[0], v[1], v[1],
                                                    {.in_proj_weight = v[2],
                                                     .in_proj_bias = v[3],
                                                     .out_proj_weight = v[4],
                                                     .out_proj_bias = v[5]},
                                                    2, {.key_padding_mask = v[6]});
               return cat({r.output.flatten(), r.weights.flatten()});
             }}};
      },
      8));

  // Recurrent layers: gradients for the input and initial states (parameter gradients are
  // checked against PyTorch in tests/nn/test_golden.cpp). Each call builds the layer in the
  // input's dtype from one fixed state dict.
  struct RecurrentCase {
    const char* name;
    RecurrentMode mode;
    RecurrentOptions options;
  };
  for (const RecurrentCase& c :
       {RecurrentCase{"rnn", RecurrentMode::RnnTanh, {.num_layers = 2}},
        RecurrentCase{"lstm", RecurrentMode::Lstm, {.bidirectional = true}},
        RecurrentCase{"gru", RecurrentMode::Gru, {.num_layers = 2, .batch_first = true}}}) {
    entries.push_back(entry(
        c.name,
        [c](Generator& g) {
          manual_seed(7);
          const StateDict state = RecurrentBase(c.mode, 3, 2, c.options).state_dict();
          const int64_t states = c.options.num_layers * (c.options.bidirectional ? 2 : 1);
          // 4 steps of a batch of 2.
          const Shape input_shape = c.options.batch_first ? Shape{2, 4, 3} : Shape{4, 2, 3};
          V inputs = {leaf(normal(g, input_shape)), leaf(normal(g, {states, 2, 2}))};
          if (c.mode == RecurrentMode::Lstm) inputs.push_back(leaf(normal(g, {states, 2, 2})));
          return std::vector<OpSample>{{"with initial states", inputs, [c, state](const V& v) {
                                          RecurrentBase layer(c.mode, 3, 2, c.options);
                                          layer.to(v[0].dtype());
                                          layer.load_state_dict(state);
                                          layer.to(v[0].device());
                                          const RecurrentResult r = layer.forward(
                                              v[0], v[1], v.size() > 2 ? v[2] : Tensor());
                                          V parts = {r.output.flatten(), r.h_n.flatten()};
                                          if (r.c_n.defined()) parts.push_back(r.c_n.flatten());
                                          return cat(parts);
                                        }}};
        },
        8));
  }
  for (const auto& [name, mode] :
       {std::pair{"rnn_cell", RecurrentMode::RnnTanh}, std::pair{"lstm_cell", RecurrentMode::Lstm},
        std::pair{"gru_cell", RecurrentMode::Gru}}) {
    entries.push_back(entry(
        name,
        [mode](Generator& g) {
          manual_seed(8);
          const StateDict state = RecurrentCell(mode, 3, 2).state_dict();
          V inputs = {leaf(normal(g, {2, 3})), leaf(normal(g, {2, 2}))};
          if (mode == RecurrentMode::Lstm) inputs.push_back(leaf(normal(g, {2, 2})));
          return std::vector<OpSample>{{"one step", inputs, [mode, state](const V& v) {
                                          RecurrentCell cell(mode, 3, 2);
                                          cell.to(v[0].dtype());
                                          cell.load_state_dict(state);
                                          cell.to(v[0].device());
                                          const auto [h, c] = cell.forward(
                                              v[0], v[1], v.size() > 2 ? v[2] : Tensor());
                                          return c.defined() ? cat({h.flatten(), c.flatten()}) : h;
                                        }}};
        },
        8));
  }

  entries.push_back(entry("mse_loss", [](Generator& g) {
    return each_reduction("[3, 4]", {leaf(normal(g, {3, 4})), normal(g, {3, 4})},
                          [](const V& v, Reduction r) { return mse_loss(v[0], v[1], r); });
  }));
  entries.push_back(entry("l1_loss", [](Generator& g) {
    const Tensor target = normal(g, {3, 4});
    return each_reduction("[3, 4]", {leaf(target + avoiding(g, {3, 4}, {0.0})), target},
                          [](const V& v, Reduction r) { return l1_loss(v[0], v[1], r); });
  }));
  entries.push_back(entry("smooth_l1_loss", [](Generator& g) {
    const Tensor target = normal(g, {3, 4});
    return each_reduction(
        "beta 0.5", {leaf(target + avoiding(g, {3, 4}, {-0.5, 0.0, 0.5})), target},
        [](const V& v, Reduction r) { return smooth_l1_loss(v[0], v[1], r, 0.5); });
  }));
  entries.push_back(entry("huber_loss", [](Generator& g) {
    const Tensor target = normal(g, {3, 4});
    return each_reduction("delta 0.7",
                          {leaf(target + avoiding(g, {3, 4}, {-0.7, 0.0, 0.7})), target},
                          [](const V& v, Reduction r) { return huber_loss(v[0], v[1], r, 0.7); });
  }));
  entries.push_back(entry(
      "cross_entropy",
      [](Generator& g) {
        return std::vector<OpSample>{
            {"indices, weight, ignore_index, smoothing",
             {leaf(normal(g, {5, 4})), indices({0, 3, -100, 1, 2}, {5}), uniform(g, {4}, 0.5, 1.5)},
             [](const V& v) {
               return cross_entropy(v[0], v[1], {.weight = v[2], .label_smoothing = 0.1});
             }},
            {"spatial, sum",
             {leaf(normal(g, {2, 3, 2})), indices({0, 2, 1, 1}, {2, 2})},
             [](const V& v) { return cross_entropy(v[0], v[1], {.reduction = Reduction::Sum}); }},
            {"probabilities",
             {leaf(normal(g, {3, 4})), softmax(normal(g, {3, 4}), 1)},
             [](const V& v) { return cross_entropy(v[0], v[1], {.label_smoothing = 0.2}); }}};
      },
      8));
  entries.push_back(entry("nll_loss", [](Generator& g) {
    return std::vector<OpSample>{
        {"weighted",
         {leaf(normal(g, {5, 4})), indices({0, 3, 3, 1, 2}, {5}), uniform(g, {4}, 0.5, 1.5)},
         [](const V& v) { return nll_loss(v[0], v[1], v[2]); }}};
  }));
  entries.push_back(entry(
      "binary_cross_entropy",
      [](Generator& g) {
        return each_reduction(
            "[3, 4]", {leaf(uniform(g, {3, 4}, 0.1, 0.9)), uniform(g, {3, 4}, 0, 1)},
            [](const V& v, Reduction r) { return binary_cross_entropy(v[0], v[1], {}, r); });
      },
      4));
  entries.push_back(entry(
      "binary_cross_entropy_with_logits",
      [](Generator& g) {
        return each_reduction(
            "pos_weight",
            {leaf(avoiding(g, {3, 4}, {0.0})), uniform(g, {3, 4}, 0, 1), uniform(g, {4}, 0.5, 3)},
            [](const V& v, Reduction r) {
              return binary_cross_entropy_with_logits(v[0], v[1], {}, v[2], r);
            });
      },
      8));
  entries.push_back(entry(
      "kl_div",
      [](Generator& g) {
        return std::vector<OpSample>{
            {"batchmean",
             {leaf(log_softmax(normal(g, {3, 4}), 1)), softmax(normal(g, {3, 4}), 1)},
             [](const V& v) { return kl_div(v[0], v[1], Reduction::BatchMean); }},
            {"log target",
             {leaf(log_softmax(normal(g, {3, 4}), 1)), leaf(log_softmax(normal(g, {3, 4}), 1))},
             [](const V& v) { return kl_div(v[0], v[1], Reduction::Sum, true); }}};
      },
      4));
  entries.push_back(entry(
      "gaussian_nll_loss",
      [](Generator& g) {
        return std::vector<OpSample>{
            {"full, var per element",
             {leaf(normal(g, {3, 4})), normal(g, {3, 4}), leaf(uniform(g, {3, 4}, 0.5, 2))},
             [](const V& v) { return gaussian_nll_loss(v[0], v[1], v[2], true); }},
            {"var per row",
             {leaf(normal(g, {3, 4})), normal(g, {3, 4}), leaf(uniform(g, {3}, 0.5, 2))},
             [](const V& v) { return gaussian_nll_loss(v[0], v[1], v[2]); }}};
      },
      8));
}

const autograd::OpEntryRegistrar registrar(add_entries);

#define KILN_NN_OP_STRING(name) #name,
constexpr const char* kNames[] = {KILN_NN_OPS(KILN_NN_OP_STRING)};
#undef KILN_NN_OP_STRING

}  // namespace

std::span<const char* const> nn_op_names() {
  return kNames;
}

}  // namespace kiln::nn
