// Bad calls into layers and losses: each throws kiln::Error with a message naming the layer
// or loss and what does not fit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bad_call.h"
#include "nn/attention.h"
#include "nn/batch_norm.h"
#include "nn/conv.h"
#include "nn/embedding.h"
#include "nn/functional.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/normalization.h"
#include "nn/recurrent.h"
#include "tensor/creation.h"

namespace kiln::nn {
namespace {

Tensor f32(const Shape& shape) {
  return zeros(shape);
}
Tensor i64(const Shape& shape) {
  return zeros(shape, {.dtype = kInt64});
}

const std::vector<BadCall> table = {
    {"LinearInFeatures",
     [] {
       Linear(4, 3)(f32({2, 5}));
     },
     {"linear: input of shape [2, 5] does not end in the weight's in_features 4"}},
    {"EmbeddingPaddingIndexOutOfRange",
     [] { Embedding(5, 3, 7); },
     {"Embedding: padding_idx 7 is out of range for 5 embeddings"}},
    {"LayerNormTooManyDims",
     [] { functional::layer_norm(f32({3}), 2, {}, {}); },
     {"layer_norm", "[3]"}},
    {"DropoutProbability",
     [] { functional::dropout(f32({3}), 1.5, true); },
     {"dropout: p must be in [0, 1], got 1.5"}},
    {"Conv2dChannels",
     [] {
       Conv2d(3, 4, {3, 3})(f32({1, 2, 8, 8}));
     },
     {"conv: input with 2 channels", "do not fit"}},
    {"Conv1dInputRank",
     [] {
       Conv1d(3, 4, 3)(f32({1, 2, 3, 8, 8}));
     },
     {"conv: input of shape [1, 2, 3, 8, 8] is not [N, C, *spatial]"}},
    {"ConvKernelLargerThanInput",
     [] {
       Conv1d(1, 1, 5)(f32({1, 1, 3}));
     },
     {"conv: input size 3", "smaller than the dilated kernel 5"}},
    {"ConvSamePaddingWithStride",
     [] {
       functional::conv(f32({1, 1, 8}), f32({1, 1, 3}), {},
                        {.stride = {2}, .mode = functional::PaddingMode::Same});
     },
     {"conv: padding 'same' needs stride 1, got 2"}},
    {"ConvTransposeChannels",
     [] {
       ConvTranspose1d(3, 2, 3)(f32({1, 4, 5}));
     },
     {"conv_transpose: input with 4 channels"}},
    {"MaxPoolWindowLargerThanInput",
     [] {
       MaxPool({.kernel = {3}})(f32({1, 1, 2}));
     },
     {"max_pool: input size 2 with padding 0 is smaller than the window 3"}},
    {"AvgPoolPaddingOverHalfTheKernel",
     [] {
       AvgPool({.kernel = {2}, .padding = {2}})(f32({1, 1, 8}));
     },
     {"avg_pool: padding 2 must be at most half the kernel 2"}},
    {"AdaptivePoolZeroOutput",
     [] {
       AdaptiveAvgPool({0})(f32({1, 1, 8}));
     },
     {"adaptive_avg_pool: output size must be positive, got 0"}},
    {"BatchNormChannels",
     [] {
       BatchNorm1d(3)(f32({4, 5}));
     },
     {"BatchNorm1d: expected [N, 3]", "got shape [4, 5]"}},
    {"MultiheadAttentionHeadsDoNotDivide",
     [] { MultiheadAttention(6, 4); },
     {"MultiheadAttention: embed_dim 6 is not divisible by num_heads 4"}},
    {"MultiheadAttentionPaddingMaskShape",
     [] {
       MultiheadAttention mha(4, 2, 0, true, std::nullopt, std::nullopt, true);
       const Tensor x = f32({2, 3, 4});
       mha.forward(x, x, x, {.key_padding_mask = zeros({2, 4}, {.dtype = kBool})});
     },
     {"multi_head_attention: key_padding_mask of shape [2, 4] is not [N, S] = [2, 3]"}},
    {"LstmInputFeatures",
     [] {
       LSTM(3, 4).forward(f32({5, 2, 6}));
     },
     {"LSTM: input has 6 features, expected 3"}},
    {"MseShapesDiffer",
     [] {
       mse_loss(f32({2, 3}), f32({3, 2}));
     },
     {"mse_loss: input of shape [2, 3] and target of shape [3, 2] differ"}},
    {"BceShapesDiffer",
     [] {
       binary_cross_entropy(f32({4}), f32({2, 2}));
     },
     {"binary_cross_entropy: input of shape [4] and target of shape [2, 2] differ"}},
    {"HuberDelta",
     [] { huber_loss(f32({2}), f32({2}), Reduction::Mean, 0); },
     {"huber_loss: delta must be positive, got 0"}},
    {"CrossEntropyTargetOutOfRange",
     [] {
       cross_entropy(f32({2, 3}), tensor<int64_t>({0, 3}));
     },
     {"a target is outside [0, 3)"}},
    {"CrossEntropyTargetShape",
     [] {
       cross_entropy(f32({2, 3}), i64({3}));
     },
     {"target of shape [3] does not match input of shape [2, 3]"}},
    {"CrossEntropyLabelSmoothing",
     [] {
       cross_entropy(f32({2, 3}), i64({2}), {.label_smoothing = 1.5});
     },
     {"cross_entropy: label_smoothing must be in [0, 1], got 1.5"}},
    {"NllFloatTarget",
     [] {
       nll_loss(f32({2, 3}), f32({2}));
     },
     {"nll_loss: target must hold int64 class indices, got float32"}},
    {"BatchMeanOutsideKlDiv",
     [] { mse_loss(f32({2}), f32({2}), Reduction::BatchMean); },
     {"mse_loss: reduction batchmean is for kl_div only"}},
    {"GaussianNllNegativeVariance",
     [] { gaussian_nll_loss(f32({2}), f32({2}), full({2}, -1.0)); },
     {"gaussian_nll_loss: var has negative entries"}},
};

class NnBadInputTest : public testing::TestWithParam<BadCall> {};

TEST_P(NnBadInputTest, ThrowsKilnErrorNamingTheProblem) {
  expect_kiln_error(GetParam());
}

INSTANTIATE_TEST_SUITE_P(NnBadInput, NnBadInputTest, testing::ValuesIn(table),
                         [](const testing::TestParamInfo<BadCall>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace kiln::nn
