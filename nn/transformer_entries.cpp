// Registry entries of the transformer layers (nn/transformer.cpp): gradients for the inputs
// through a whole layer (parameter gradients are checked against PyTorch in
// tests/nn/test_transformer.cpp). Each call builds the layer in the input's dtype from one
// fixed state dict; gelu keeps the feed-forward block away from relu's kink.
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/op_list.h"
#include "nn/transformer.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

TransformerLayerOptions small_layer(bool norm_first, int64_t feedforward = 6) {
  return {.dim_feedforward = feedforward,
          .dropout = 0,
          .activation = TransformerActivation::GELU,
          .batch_first = true,
          .norm_first = norm_first};
}

// `layer` made in the input's dtype and device with `state`'s values.
template <typename Layer>
Layer& prepared(Layer& layer, const StateDict& state, const Tensor& like) {
  layer.to(like.dtype());
  layer.load_state_dict(state);
  layer.to(like.device());
  return layer;
}

OpSample encoder_sample(Generator& g, const char* label, bool norm_first, bool causal) {
  manual_seed(9);
  const StateDict state = TransformerEncoderLayer(4, 2, small_layer(norm_first)).state_dict();
  return {label, {leaf(normal(g, {2, 3, 4}))}, [state, norm_first, causal](const V& v) {
            TransformerEncoderLayer layer(4, 2, small_layer(norm_first));
            return prepared(layer, state, v[0]).forward(v[0], {}, {}, causal);
          }};
}

OpSample decoder_sample(Generator& g, const char* label, bool norm_first) {
  manual_seed(10);
  const StateDict state = TransformerDecoderLayer(4, 2, small_layer(norm_first)).state_dict();
  return {label,
          {leaf(normal(g, {2, 3, 4})), leaf(normal(g, {2, 2, 4}))},
          [state, norm_first](const V& v) {
            TransformerDecoderLayer layer(4, 2, small_layer(norm_first));
            return prepared(layer, state, v[0]).forward(v[0], v[1], {}, {}, {}, {}, true);
          }};
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(
      Op::transformer_encoder_layer,
      [](Generator& g) {
        return std::vector<OpSample>{encoder_sample(g, "post-norm", false, false),
                                     encoder_sample(g, "pre-norm, causal", true, true)};
      },
      0));
  entries.push_back(entry(
      Op::transformer_decoder_layer,
      [](Generator& g) {
        return std::vector<OpSample>{decoder_sample(g, "post-norm, causal", false),
                                     decoder_sample(g, "pre-norm, causal", true)};
      },
      0));
  // Multiply-adds per token with the feed-forward 4 x the width (the benchmarks' and the
  // paper's ratio): 4 E x E projections, 2 L E for scores and weighted sum, 8 E^2 of
  // feed-forward; the decoder's attention over memory adds 4 E^2 + 2 S E.
  const auto layer_flops = [](const Tensor& x, int64_t keys, int64_t memory) {
    const double tokens = static_cast<double>(x.numel() / x.size(-1)), width = x.size(-1);
    const double attention = 4 * width * width + 2.0 * keys * width;
    const double cross = memory > 0 ? 4 * width * width + 2.0 * memory * width : 0;
    return 2 * tokens * (attention + cross + 8 * width * width);
  };
  entry_of(entries, Op::transformer_encoder_layer).flops =
      [layer_flops](const V& in, const Tensor&) { return layer_flops(in[0], in[0].size(1), 0); };
  entry_of(entries, Op::transformer_decoder_layer).flops = [layer_flops](const V& in,
                                                                         const Tensor&) {
    return layer_flops(in[0], in[0].size(1), in[1].size(1));
  };
}

const OpEntryRegistrar registrar(add_entries);

// W2's layer: d_model 128, 4 heads, feed-forward 512, batches of 32 sequences of 64.
const BenchmarkRegistrar benchmarks({
    {Op::transformer_encoder_layer,
     [](Generator& g, BenchSize size) {
       const int64_t batch = by_size<int64_t>(size, 2, 32), width = by_size<int64_t>(size, 16, 128);
       auto layer =
           std::make_shared<TransformerEncoderLayer>(width, 4, small_layer(false, 4 * width));
       return std::vector<OpSample>{
           bench_sample({normal(g, {batch, 64, width})}, [layer](const V& v) {
             layer->to(v[0].dtype());
             layer->to(v[0].device());
             return layer->forward(v[0]);
           })};
     }},
    {Op::transformer_decoder_layer,
     [](Generator& g, BenchSize size) {
       const int64_t batch = by_size<int64_t>(size, 2, 32), width = by_size<int64_t>(size, 16, 128);
       auto layer =
           std::make_shared<TransformerDecoderLayer>(width, 4, small_layer(false, 4 * width));
       return std::vector<OpSample>{bench_sample(
           {normal(g, {batch, 64, width}), normal(g, {batch, 64, width})}, [layer](const V& v) {
             layer->to(v[0].dtype());
             layer->to(v[0].device());
             return layer->forward(v[0], v[1], {}, {}, {}, {}, true);
           })};
     }},
});

}  // namespace

}  // namespace kiln::nn
