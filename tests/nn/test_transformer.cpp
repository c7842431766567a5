// torch.nn's transformer layers against PyTorch (bench/pytorch/transformer_fixtures.py): the
// output and the gradients of the inputs and of every parameter for each layer, each stack
// and the encoder-decoder, with bool and float masks, key padding and causal hints; strict
// state-dict loads prove the parameter names. Then the copies a stack makes, the causal mask,
// dropout, a callable activation, and bad arguments.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autograd/functions.h"
#include "bad_call.h"
#include "nn/golden_checks.h"
#include "nn/transformer.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::nn {
namespace {

using testing::check_module;
using testing::Golden;
using Inputs = std::vector<Tensor>;

constexpr int64_t kDModel = 8, kNhead = 2, kFeedforward = 16;

// The fixture's tensor for the forward argument `argument`, or none.
Tensor mask(const Golden& golden, const std::string& argument) {
  const std::string key = "mask." + argument;
  return golden.has(key) ? golden[key] : Tensor();
}

TransformerOptions small_transformer(TransformerLayerOptions layer) {
  return {.d_model = kDModel,
          .nhead = kNhead,
          .num_encoder_layers = 2,
          .num_decoder_layers = 2,
          .layer = layer};
}

TEST(TransformerGolden, EncoderLayerReluWithFloatMask) {
  const Golden golden("transformer_encoder_layer_relu");
  TransformerEncoderLayer layer(kDModel, kNhead, {.dim_feedforward = kFeedforward, .dropout = 0});
  check_module(golden, layer,
               [&](const Inputs& in) { return layer.forward(in[0], mask(golden, "src_mask")); });
}

TEST(TransformerGolden, EncoderLayerGeluNormFirstBatchFirstWithBoolMasks) {
  const Golden golden("transformer_encoder_layer_gelu_norm_first_batch_first");
  TransformerEncoderLayer layer(kDModel, kNhead,
                                {.dim_feedforward = kFeedforward,
                                 .dropout = 0,
                                 .activation = TransformerActivation::GELU,
                                 .batch_first = true,
                                 .norm_first = true});
  check_module(golden, layer, [&](const Inputs& in) {
    return layer.forward(in[0], mask(golden, "src_mask"), mask(golden, "src_key_padding_mask"));
  });
}

TEST(TransformerGolden, EncoderLayerTakesACallableActivation) {
  const Golden golden("transformer_encoder_layer_gelu_norm_first_batch_first");
  TransformerEncoderLayer layer(kDModel, kNhead,
                                {.dim_feedforward = kFeedforward,
                                 .dropout = 0,
                                 .activation = [](const Tensor& x) { return gelu(x); },
                                 .batch_first = true,
                                 .norm_first = true});
  check_module(golden, layer, [&](const Inputs& in) {
    return layer.forward(in[0], mask(golden, "src_mask"), mask(golden, "src_key_padding_mask"));
  });
}

// bias=false leaves out every bias, LayerNorms' included (the strict load checks the names).
TEST(TransformerGolden, EncoderLayerWithoutBiasAndFloatMasksPerHead) {
  const Golden golden("transformer_encoder_layer_no_bias");
  TransformerEncoderLayer layer(kDModel, kNhead,
                                {.dim_feedforward = kFeedforward, .dropout = 0, .bias = false});
  EXPECT_FALSE(layer.norm1->bias.defined());
  check_module(golden, layer, [&](const Inputs& in) {
    return layer.forward(in[0], mask(golden, "src_mask"), mask(golden, "src_key_padding_mask"));
  });
}

// PyTorch needs the causal mask with the hint; kiln applies it from the hint alone, or from
// both.
TEST(TransformerGolden, EncoderLayerIsCausal) {
  const Golden golden("transformer_encoder_layer_causal");
  TransformerEncoderLayer layer(
      kDModel, kNhead, {.dim_feedforward = kFeedforward, .dropout = 0, .batch_first = true});
  check_module(golden, layer, [&](const Inputs& in) {
    return layer.forward(in[0], /*src_mask=*/{}, {}, /*is_causal=*/true);
  });
  TransformerEncoderLayer both(
      kDModel, kNhead, {.dim_feedforward = kFeedforward, .dropout = 0, .batch_first = true});
  check_module(golden, both, [&](const Inputs& in) {
    return both.forward(in[0], mask(golden, "src_mask"), {}, /*is_causal=*/true);
  });
}

TEST(TransformerGolden, EncoderLayerIsCausalWithFloatPaddingInFloat32) {
  const Golden golden("transformer_encoder_layer_causal_padding_f32");
  TransformerEncoderLayer layer(
      kDModel, kNhead, {.dim_feedforward = kFeedforward, .dropout = 0, .norm_first = true});
  check_module(golden, layer, [&](const Inputs& in) {
    return layer.forward(in[0], /*src_mask=*/{}, mask(golden, "src_key_padding_mask"),
                         /*is_causal=*/true);
  });
}

TEST(TransformerGolden, DecoderLayerWithEveryBoolMask) {
  const Golden golden("transformer_decoder_layer_all_masks");
  TransformerDecoderLayer layer(kDModel, kNhead, {.dim_feedforward = kFeedforward, .dropout = 0});
  check_module(golden, layer, [&](const Inputs& in) {
    return layer.forward(in[0], in[1], mask(golden, "tgt_mask"), mask(golden, "memory_mask"),
                         mask(golden, "tgt_key_padding_mask"),
                         mask(golden, "memory_key_padding_mask"));
  });
}

TEST(TransformerGolden, DecoderLayerNormFirstCausalWithFloatMemoryMasks) {
  const Golden golden("transformer_decoder_layer_norm_first_causal");
  TransformerDecoderLayer layer(kDModel, kNhead,
                                {.dim_feedforward = kFeedforward,
                                 .dropout = 0,
                                 .activation = TransformerActivation::GELU,
                                 .batch_first = true,
                                 .norm_first = true});
  check_module(golden, layer, [&](const Inputs& in) {
    return layer.forward(in[0], in[1], /*tgt_mask=*/{}, mask(golden, "memory_mask"),
                         /*tgt_key_padding_mask=*/{}, mask(golden, "memory_key_padding_mask"),
                         /*tgt_is_causal=*/true);
  });
}

TEST(TransformerGolden, DecoderLayerMemoryIsCausalWithoutBias) {
  const Golden golden("transformer_decoder_layer_memory_causal_no_bias");
  TransformerDecoderLayer layer(
      kDModel, kNhead,
      {.dim_feedforward = kFeedforward, .dropout = 0, .batch_first = true, .bias = false});
  check_module(golden, layer, [&](const Inputs& in) {
    return layer.forward(in[0], in[1], /*tgt_mask=*/{}, /*memory_mask=*/{},
                         mask(golden, "tgt_key_padding_mask"), /*memory_key_padding_mask=*/{},
                         /*tgt_is_causal=*/true, /*memory_is_causal=*/true);
  });
}

TEST(TransformerGolden, EncoderWithNorm) {
  const Golden golden("transformer_encoder_norm");
  TransformerEncoder encoder(
      TransformerEncoderLayer(kDModel, kNhead, {.dim_feedforward = kFeedforward, .dropout = 0}), 2,
      std::make_shared<LayerNorm>(Shape{kDModel}));
  check_module(golden, encoder, [&](const Inputs& in) {
    return encoder.forward(in[0], mask(golden, "mask"), mask(golden, "src_key_padding_mask"));
  });
}

TEST(TransformerGolden, DecoderWithNorm) {
  const Golden golden("transformer_decoder_norm");
  TransformerDecoder decoder(
      TransformerDecoderLayer(kDModel, kNhead,
                              {.dim_feedforward = kFeedforward, .dropout = 0, .norm_first = true}),
      2, std::make_shared<LayerNorm>(Shape{kDModel}));
  check_module(golden, decoder, [&](const Inputs& in) {
    return decoder.forward(in[0], in[1], /*tgt_mask=*/{}, /*memory_mask=*/{},
                           /*tgt_key_padding_mask=*/{}, mask(golden, "memory_key_padding_mask"),
                           /*tgt_is_causal=*/true);
  });
}

TEST(TransformerGolden, EncoderDecoder) {
  const Golden golden("transformer_full");
  Transformer model(small_transformer({.dim_feedforward = kFeedforward, .dropout = 0}));
  check_module(golden, model, [&](const Inputs& in) {
    return model.forward(in[0], in[1], /*src_mask=*/{}, /*tgt_mask=*/{}, /*memory_mask=*/{},
                         mask(golden, "src_key_padding_mask"), /*tgt_key_padding_mask=*/{},
                         mask(golden, "memory_key_padding_mask"), /*src_is_causal=*/false,
                         /*tgt_is_causal=*/true);
  });
}

TEST(TransformerGolden, EncoderDecoderGeluNormFirstBatchFirstInFloat32) {
  const Golden golden("transformer_full_f32");
  Transformer model(small_transformer({.dim_feedforward = kFeedforward,
                                       .dropout = 0,
                                       .activation = TransformerActivation::GELU,
                                       .batch_first = true,
                                       .norm_first = true}));
  // float32 through two encoder and two decoder layers: how the compiler vectorises the sums
  // moves some parameter gradients by about 4e-5 relative (1.4e-6 absolute in the
  // sanitizer build), beyond the single-layer cases' 1e-5.
  check_module(
      golden, model,
      [&](const Inputs& in) {
        return model.forward(in[0], in[1], mask(golden, "src_mask"), mask(golden, "tgt_mask"),
                             mask(golden, "memory_mask"), {}, mask(golden, "tgt_key_padding_mask"));
      },
      testing::Tolerance{2e-4, 1e-5});
}

TEST(TransformerLayers, StacksCopyThePrototypeAsPyTorchsDeepcopy) {
  TransformerEncoderLayer prototype(kDModel, kNhead, {.dim_feedforward = kFeedforward});
  prototype.to(kFloat64);
  prototype.eval();
  const TransformerEncoder encoder(prototype, 2);
  EXPECT_EQ(encoder.norm, nullptr);
  const StateDict original = prototype.state_dict();
  for (const std::string layer : {"layers.0.", "layers.1."}) {
    const StateDict copy = encoder.state_dict();
    for (const auto& [name, value] : original) {
      const Tensor copied = copy.at(layer + name);
      EXPECT_EQ(copied.dtype(), kFloat64) << name;
      EXPECT_EQ(copied.to_vector<double>(), value.to_vector<double>()) << name;
      EXPECT_NE(copied.impl_ptr(), value.impl_ptr()) << name;
    }
  }
  EXPECT_FALSE(encoder.layers->at<TransformerEncoderLayer>(1)->is_training());
}

// PyTorch draws every matrix again after copying the layers, so no two layers share one.
TEST(TransformerLayers, EncoderDecoderDrawsEachLayersMatricesAfresh) {
  const Transformer model(small_transformer({.dim_feedforward = kFeedforward}));
  const StateDict state = model.state_dict();
  EXPECT_NE(state.at("encoder.layers.0.linear1.weight").to_vector<float>(),
            state.at("encoder.layers.1.linear1.weight").to_vector<float>());
  EXPECT_TRUE(state.contains("decoder.layers.1.multihead_attn.out_proj.weight"));
  EXPECT_TRUE(state.contains("encoder.norm.bias") && state.contains("decoder.norm.weight"));
}

TEST(TransformerLayers, SquareSubsequentMaskIsMinusInfinityAboveTheDiagonal) {
  using testing::kInf;
  const Tensor mask = Transformer::generate_square_subsequent_mask(3);
  EXPECT_EQ(mask.dtype(), kFloat32);
  testing::expect_values(mask, {0, -kInf, -kInf, 0, 0, -kInf, 0, 0, 0});
  EXPECT_EQ(Transformer::generate_square_subsequent_mask(2, {.dtype = kFloat64}).dtype(), kFloat64);
}

TEST(TransformerLayers, DropoutActsInTrainingModeOnly) {
  TransformerEncoderLayer noisy(kDModel, kNhead, {.dim_feedforward = kFeedforward, .dropout = 0.5});
  TransformerEncoderLayer plain(kDModel, kNhead, {.dim_feedforward = kFeedforward, .dropout = 0});
  plain.load_state_dict(noisy.state_dict());
  const Tensor x = randn({5, 3, kDModel});
  EXPECT_NE(noisy.forward(x).to_vector<float>(), plain.forward(x).to_vector<float>());
  noisy.eval();
  EXPECT_EQ(noisy.forward(x).to_vector<float>(), plain.forward(x).to_vector<float>());
}

Tensor sequence(int64_t length, int64_t batch = 3) {
  return zeros({length, batch, kDModel});
}
TransformerEncoderLayer small_encoder_layer() {
  return TransformerEncoderLayer(kDModel, kNhead, {.dim_feedforward = kFeedforward});
}

const std::vector<BadCall> bad_calls = {
    {"EncoderLayerHeadsDoNotDivide",
     [] { TransformerEncoderLayer(10, 3); },
     {"TransformerEncoderLayer: d_model 10 is not a positive multiple of nhead 3"}},
    {"DecoderLayerHeadsDoNotDivide",
     [] { TransformerDecoderLayer(8, 3); },
     {"TransformerDecoderLayer: d_model 8 is not a positive multiple of nhead 3"}},
    {"TransformerHeadsDoNotDivide",
     [] { Transformer({.d_model = 10, .nhead = 4}); },
     {"d_model 10 is not a positive multiple of nhead 4"}},
    {"NegativeLayerCount",
     [] { TransformerEncoder(small_encoder_layer(), -1); },
     {"TransformerEncoder: num_layers must not be negative, got -1"}},
    {"AttentionMaskShape",
     [] {
       small_encoder_layer().forward(sequence(5), zeros({4, 5}, {.dtype = kBool}));
     },
     {"attn_mask of shape [4, 5] is not [L, S] = [5, 5] or [N * H, L, S] = [6, 5, 5]"}},
    {"AttentionMaskPerHeadShape",
     [] {
       small_encoder_layer().forward(sequence(5), zeros({3, 5, 5}));
     },
     {"attn_mask of shape [3, 5, 5] is not [L, S] = [5, 5] or [N * H, L, S] = [6, 5, 5]"}},
    {"KeyPaddingMaskShape",
     [] {
       small_encoder_layer().forward(sequence(5), {}, zeros({5, 3}, {.dtype = kBool}));
     },
     {"key_padding_mask of shape [5, 3] is not [N, S] = [3, 5]"}},
    {"IntegerMask",
     [] {
       small_encoder_layer().forward(sequence(5), zeros({5, 5}, {.dtype = kInt64}));
     },
     {"masks must be bool or floating, got int64"}},
    {"MemoryBatchDiffers",
     [] {
       TransformerDecoderLayer(kDModel, kNhead, {.dim_feedforward = kFeedforward})
           .forward(sequence(4), sequence(5, 2));
     },
     {"multi_head_attention: query [3, 4, 8], key [2, 5, 8] and value [2, 5, 8] do not fit"}},
    {"SourceAndTargetBatchesDiffer",
     [] {
       Transformer(small_transformer({.dim_feedforward = kFeedforward}))
           .forward(sequence(5), sequence(4, 2));
     },
     {"Transformer: the batch sizes of src [5, 3, 8] and tgt [4, 2, 8] differ"}},
    {"FeaturesAreNotDModel",
     [] {
       Transformer(small_transformer({.dim_feedforward = kFeedforward}))
           .forward(zeros({5, 3, 6}), sequence(4));
     },
     {"Transformer: src [5, 3, 6] and tgt [4, 3, 8] must have d_model = 8 features"}},
    {"UnbatchedInput",
     [] {
       Transformer(small_transformer({.dim_feedforward = kFeedforward}))
           .forward(zeros({5, 8}), zeros({4, 8}));
     },
     {"Transformer: src and tgt must be 3-D, got [5, 8] and [4, 8]"}},
};

class TransformerBadInputTest : public ::testing::TestWithParam<BadCall> {};

TEST_P(TransformerBadInputTest, ThrowsKilnErrorNamingTheProblem) {
  expect_kiln_error(GetParam());
}

INSTANTIATE_TEST_SUITE_P(TransformerBadInput, TransformerBadInputTest,
                         ::testing::ValuesIn(bad_calls),
                         [](const ::testing::TestParamInfo<BadCall>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace kiln::nn
