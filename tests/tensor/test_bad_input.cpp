// Bad calls: every row must throw kiln::Error (not crash, not another exception type) with a
// message that names the op and the offending shape, dtype or value. Device mixing is covered
// by the CUDA tests.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "autograd/functions.h"
#include "bad_call.h"
#include "tensor/creation.h"
#include "tensor/device.h"
#include "tensor/dims.h"
#include "tensor/dtype.h"
#include "tensor/error.h"
#include "tensor/parallel.h"
#include "tensor/tensor.h"

namespace kiln {
namespace {

Tensor f32(const Shape& shape) {
  return zeros(shape);
}
Tensor f64(const Shape& shape) {
  return zeros(shape, {.dtype = kFloat64});
}
Tensor i64(const Shape& shape) {
  return zeros(shape, {.dtype = kInt64});
}
Tensor bools(const Shape& shape) {
  return zeros(shape, {.dtype = kBool});
}

const std::vector<BadCall> table = {
    // Shapes that do not broadcast or do not fit.
    {"AddNotBroadcastable",
     [] {
       add(f32({2, 3}), f32({4, 3}));
     },
     {"add: shapes [2, 3] and [4, 3] are not broadcastable"}},
    {"MulNotBroadcastable",
     [] {
       mul(f32({2, 3}), f32({3, 2}));
     },
     {"mul:", "[2, 3]", "[3, 2]", "not broadcastable"}},
    {"OperatorPlusNotBroadcastable",
     [] { (void)(f32({5}) + f32({4})); },
     {"add:", "[5]", "[4]", "not broadcastable"}},
    {"WhereConditionNotBroadcastable",
     [] { where(bools({3}), f32({2}), f32({2})); },
     {"where:", "[3]", "[2]", "not broadcastable"}},
    {"WhereBranchesNotBroadcastable",
     [] { where(bools({2}), f32({2}), f32({3})); },
     {"where:", "[2]", "[3]", "not broadcastable"}},
    {"CopyNotBroadcastable",
     [] {
       f32({2, 3}).copy_(f32({4, 3}));
     },
     {"copy_:", "[2, 3]", "[4, 3]", "not broadcastable"}},
    {"CopySourceLargerThanDestination",
     [] {
       f32({3}).copy_(f32({2, 3}));
     },
     {"copy_: source of shape [2, 3]", "destination's shape [3]"}},
    {"MaskedFillMaskLargerThanInput",
     [] {
       f32({3}).masked_fill(bools({2, 3}), 1.0);
     },
     {"masked_fill: mask of shape [2, 3]", "shape [3]"}},
    {"MaskedFillNotBroadcastable",
     [] {
       f32({2, 3}).masked_fill(bools({2}), 1.0);
     },
     {"masked_fill:", "[2, 3]", "[2]", "not broadcastable"}},

    // Dims out of range, repeated or of the wrong count.
    {"SumDimOutOfRange",
     [] {
       sum(f32({2, 3}), {2});
     },
     {"sum: dim 2 is out of range", "2 dimension(s)"}},
    {"SumRepeatedDim",
     [] {
       sum(f32({2, 3}), {0, -2});
     },
     {"sum: dim 0 appears twice in [0, -2]"}},
    {"SoftmaxDimOutOfRange",
     [] {
       softmax(f32({2, 3}), -3);
     },
     {"softmax: dim -3 is out of range", "[-2, 1]"}},
    {"LogSoftmaxDimOutOfRange", [] { log_softmax(f32({2}), 1); }, {"log_softmax: dim 1"}},
    {"CumsumDimOutOfRange", [] { cumsum(f32({2}), 3); }, {"cumsum: dim 3 is out of range"}},
    {"SortDimOutOfRange", [] { sort(f32({2}), 1); }, {"sort: dim 1 is out of range"}},
    {"SizeDimOutOfRange", [] { f32({2}).size(1); }, {"size: dim 1 is out of range"}},
    {"TransposeDimOutOfRange",
     [] {
       f32({2, 3}).transpose(0, 2);
     },
     {"transpose: dim 2 is out of range", "2 dimension(s)"}},
    {"TOfThreeDims",
     [] {
       f32({2, 3, 4}).t();
     },
     {"t: expects a tensor of at most 2 dimensions", "[2, 3, 4]"}},
    {"SelectDimOutOfRange",
     [] {
       f32({2, 3}).select(2, 0);
     },
     {"select: dim 2 is out of range"}},
    {"SelectIndexOutOfRange",
     [] {
       f32({2, 3}).select(1, 3);
     },
     {"select: index 3 is out of range for dim 1 of size 3"}},
    {"SelectNegativeIndexOutOfRange",
     [] {
       f32({2, 3}).select(0, -3);
     },
     {"select: index -3 is out of range for dim 0 of size 2"}},
    {"SelectFromZeroDim",
     [] { scalar_tensor(1.0).select(0, 0); },
     {"select: cannot select from a 0-dim tensor"}},
    {"NarrowDimOutOfRange", [] { f32({4}).narrow(1, 0, 1); }, {"narrow: dim 1 is out of range"}},
    {"NarrowBeyondEnd",
     [] { f32({4}).narrow(0, 2, 3); },
     {"narrow: start 2 + length 3 exceeds dim 0 of size 4"}},
    {"NarrowStartOutOfRange",
     [] { f32({4}).narrow(0, 5, 0); },
     {"narrow: start 5 is out of range for dim 0 of size 4"}},
    {"NarrowNegativeLength",
     [] { f32({4}).narrow(0, 1, -1); },
     {"narrow: start 1 + length -1 exceeds dim 0 of size 4"}},
    {"UnsqueezeDimOutOfRange",
     [] {
       f32({2, 3}).unsqueeze(3);
     },
     {"unsqueeze: dim 3 is out of range"}},
    {"SqueezeDimOutOfRange",
     [] {
       f32({2, 1}).squeeze(2);
     },
     {"squeeze: dim 2 is out of range"}},
    {"FlattenStartAfterEnd",
     [] {
       f32({2, 3, 4}).flatten(2, 1);
     },
     {"flatten: start_dim 2 comes after end_dim 1"}},
    {"PermuteRepeatedDim",
     [] {
       f32({2, 3, 4}).permute({0, 0, 1});
     },
     {"permute: dim 0 repeats in order [0, 0, 1]"}},
    {"PermuteWrongCount",
     [] {
       f32({2, 3, 4}).permute({1, 0});
     },
     {"permute: order [1, 0] has 2 entries", "3 dimension(s)"}},
    {"PermuteDimOutOfRange",
     [] {
       f32({2, 3}).permute({0, 2});
     },
     {"permute: dim 2 is out of range"}},

    // Joining and splitting.
    {"CatMismatchedShapes",
     [] {
       cat({f32({2, 3}), f32({2, 4})}, 0);
     },
     {"cat: tensor 1 has shape [2, 4] but tensor 0 has shape [2, 3]", "except in dim 0"}},
    {"CatMismatchedRanks",
     [] {
       cat({f32({2, 3}), f32({3})});
     },
     {"cat: tensor 1 has shape [3]", "[2, 3]", "ranks differ"}},
    {"CatEmptyList", [] { cat(std::vector<Tensor>{}); }, {"cat: expected a non-empty list"}},
    {"CatZeroDimTensors",
     [] {
       cat({scalar_tensor(1.0), scalar_tensor(2.0)});
     },
     {"cat: zero-dimensional tensors cannot be concatenated"}},
    {"CatDimOutOfRange",
     [] {
       cat({f32({2}), f32({2})}, 1);
     },
     {"cat: dim 1 is out of range"}},
    {"StackMismatchedShapes",
     [] {
       stack({f32({2}), f32({3})});
     },
     {"stack: tensor 1 has shape [3] but tensor 0 has shape [2]"}},
    {"StackDimOutOfRange",
     [] {
       stack({f32({2}), f32({2})}, 3);
     },
     {"stack: dim 3 is out of range", "2 dimension(s)"}},
    {"StackEmptyList", [] { stack(std::vector<Tensor>{}); }, {"stack: expected a non-empty list"}},
    {"SplitSizesNotSumming",
     [] {
       split(f32({4}), std::vector<int64_t>{1, 2});
     },
     {"split: section sizes add up to 3 but dim 0 has size 4"}},
    {"SplitNegativeSection",
     [] {
       split(f32({4}), std::vector<int64_t>{5, -1});
     },
     {"split: section sizes must be non-negative, got -1"}},
    {"SplitSizeZero", [] { f32({4}).split(0); }, {"split: split_size must be positive, got 0"}},
    {"SplitZeroDim", [] { scalar_tensor(1.0).split(1); }, {"split: cannot split a 0-dim tensor"}},
    {"ChunkZeroChunks",
     [] { f32({4}).chunk(0); },
     {"chunk: number of chunks must be positive, got 0"}},

    // Out-of-range and wrongly typed indices.
    {"IndexSelectIndexTooLarge",
     [] {
       index_select(f32({3, 2}), 0, tensor({0, 3}));
     },
     {"index_select: index 3 is out of range for dim 0 of size 3"}},
    {"IndexSelectNegativeIndex",
     [] {
       index_select(f32({3, 2}), 1, tensor({-1}));
     },
     {"index_select: index -1 is out of range for dim 1 of size 2"}},
    {"IndexSelectFloatIndex",
     [] {
       index_select(f32({3, 2}), 0, tensor({0.0}));
     },
     {"index_select: index tensor must be int64, got float32"}},
    {"IndexSelectTwoDimIndex",
     [] {
       index_select(f32({3, 2}), 0, i64({2, 2}));
     },
     {"index_select: index must be 0-D or 1-D, got shape [2, 2]"}},
    {"IndexSelectDimOutOfRange",
     [] {
       index_select(f32({3, 2}), 2, tensor({0}));
     },
     {"index_select: dim 2 is out of range"}},
    {"GatherIndexTooLarge",
     [] {
       gather(f32({2, 3}), 1, tensor({{0, 3}}));
     },
     {"gather: index 3 is out of range for dim 1 of size 3"}},
    {"GatherNegativeIndex",
     [] {
       gather(f32({2, 3}), 0, tensor({{-1}}));
     },
     {"gather: index -1 is out of range for dim 0 of size 2"}},
    {"GatherFloatIndex",
     [] {
       gather(f32({2, 3}), 1, f32({2, 3}));
     },
     {"gather: index tensor must be int64, got float32"}},
    {"GatherIndexRankMismatch",
     [] {
       gather(f32({2, 3}), 1, tensor({0, 1}));
     },
     {"gather: index of shape [2] must have as many dims as the input of shape [2, 3]"}},
    {"GatherIndexLargerThanInput",
     [] {
       gather(f32({2, 3}), 1, i64({3, 1}));
     },
     {"gather: index of shape [3, 1] exceeds the input of shape [2, 3] at dim 0"}},
    {"ScatterIndexTooLarge",
     [] {
       scatter(f32({2, 3}), 1, tensor({{5}}), ones({1, 1}));
     },
     {"scatter: index 5 is out of range for dim 1 of size 3"}},
    {"ScatterSourceDtype",
     [] {
       scatter(f32({2, 3}), 1, tensor({{0}}), ones({1, 1}, {.dtype = kFloat64}));
     },
     {"scatter: source dtype float64 differs from the input's float32"}},
    {"ScatterIndexLargerThanSource",
     [] {
       scatter(f32({2, 3}), 1, i64({1, 2}), ones({1, 1}));
     },
     {"scatter: index of shape [1, 2] exceeds the source of shape [1, 1] at dim 1"}},
    {"ScatterAddNegativeIndex",
     [] {
       scatter_add(f32({2, 3}), 0, tensor({{-1}}), ones({1, 1}));
     },
     {"scatter_add: index -1 is out of range for dim 0 of size 2"}},
    {"ScatterAddFloatIndex",
     [] {
       scatter_add(f32({2, 3}), 0, f32({1, 1}), ones({1, 1}));
     },
     {"scatter_add: index tensor must be int64, got float32"}},
    {"IndexAddIndexTooLarge",
     [] {
       index_add(f32({3, 2}), 0, tensor({0, 3}), ones({2, 2}));
     },
     {"index_add: index 3 is out of range for dim 0 of size 3"}},
    {"IndexAddSourceShape",
     [] {
       index_add(f32({3, 2}), 0, tensor({0, 1}), ones({3, 2}));
     },
     {"index_add: source of shape [3, 2] must have shape [2, 2]"}},
    {"IndexAddFloatIndex",
     [] {
       index_add(f32({3, 2}), 0, tensor({0.0}), ones({1, 2}));
     },
     {"index_add: index tensor must be int64, got float32"}},
    // embedding reports an out-of-range id through the index_select it delegates to.
    {"EmbeddingIdTooLarge",
     [] {
       embedding(f32({4, 2}), tensor({1, 4}));
     },
     {"index 4 is out of range for dim 0 of size 4"}},
    {"EmbeddingFloatIds",
     [] {
       embedding(f32({4, 2}), tensor({1.0}));
     },
     {"embedding: index tensor must be int64, got float32"}},
    {"EmbeddingWeightNotTwoDim",
     [] { embedding(f32({4}), tensor({1})); },
     {"embedding: weight must be 2-D", "got shape [4]"}},
    {"OneHotValueTooLarge",
     [] {
       one_hot(tensor({0, 5}), 3);
     },
     {"one_hot: class values must lie in [0, 3), got values in [0, 5]"}},
    {"OneHotValueEqualToNumClasses",
     [] { one_hot(tensor({3}), 3); },
     {"one_hot: class values must lie in [0, 3)", "[3, 3]"}},
    {"OneHotNegativeValue",
     [] {
       one_hot(tensor({-1, 2}), 3);
     },
     {"one_hot: class values must lie in [0, 3), got values in [-1, 2]"}},
    {"OneHotFloatIndices",
     [] { one_hot(tensor({1.0})); },
     {"one_hot: index tensor must be int64, got float32"}},

    // Bool where arithmetic or ordering is not defined.
    {"NegOnBool",
     [] {
       neg(tensor({true, false}));
     },
     {"neg: not defined for bool tensors"}},
    {"UnaryMinusOnBool", [] { (void)(-tensor({true})); }, {"neg: not defined for bool tensors"}},
    {"AbsOnBool", [] { abs(bools({2})); }, {"abs: not defined for bool tensors"}},
    {"AddTwoBools",
     [] { add(tensor({true}), tensor({false})); },
     {"add: not defined for bool tensors"}},
    {"SubBoolScalar", [] { sub(bools({2}), true); }, {"sub: not defined for bool tensors"}},
    {"AmaxOnBool", [] { amax(bools({2})); }, {"amax: not defined for bool tensors"}},
    {"AminOnBool", [] { amin(bools({2}), {0}); }, {"amin: not defined for bool tensors"}},
    {"ClampOnBool", [] { clamp(bools({2}), 0.0, 1.0); }, {"clamp: not defined for bool tensors"}},
    {"PowOnBool", [] { pow(bools({2}), 2.0); }, {"pow", "not defined for bool tensors"}},
    {"MatmulOfBools",
     [] {
       matmul(bools({2, 2}), bools({2, 2}));
     },
     {"matmul: not defined for bool tensors"}},

    // Wrong dtypes.
    {"MatmulFloat32WithFloat64",
     [] {
       matmul(f32({2, 3}), f64({3, 2}));
     },
     {"matmul: operands must have one dtype, got float32 and float64"}},
    {"MeanOfInt64", [] { mean(i64({2})); }, {"mean: expects a floating dtype, got int64"}},
    {"VarOfInt64", [] { var(i64({2})); }, {"var: expects a floating dtype, got int64"}},
    {"NormOfInt64", [] { norm(i64({2})); }, {"norm: expects a floating dtype, got int64"}},
    {"LerpOfInt64",
     [] { lerp(i64({2}), i64({2}), 0.5); },
     {"lerp: expects a floating dtype, got int64"}},
    {"RandInt64",
     [] { rand({2}, {.dtype = kInt64}); },
     {"rand: expects a floating dtype, got int64"}},
    {"RandnBool",
     [] { randn({2}, {.dtype = kBool}); },
     {"randn: expects a floating dtype, got bool"}},
    {"RandintBool",
     [] { randint(0, 2, {2}, {.dtype = kBool}); },
     {"randint: not defined for bool"}},
    {"LinspaceInt64",
     [] { linspace(0, 1, 3, {.dtype = kInt64}); },
     {"linspace: expects a floating dtype, got int64"}},
    {"ArangeBool", [] { arange(0, 5, 1, {.dtype = kBool}); }, {"arange: not defined for bool"}},
    {"WhereFloatCondition",
     [] { where(f32({2}), f32({2}), f32({2})); },
     {"where: condition must be bool, got float32"}},
    {"WhereInt64Condition",
     [] { where(i64({2}), f32({2}), f32({2})); },
     {"where: condition must be bool, got int64"}},
    {"MaskedFillFloatMask",
     [] { f32({3}).masked_fill(f32({3}), 1.0); },
     {"masked_fill: mask must be bool, got float32"}},
    {"DataWrongType",
     [] { f32({2}).data<double>(); },
     {"data: tensor has dtype float32, not float64"}},
    {"DataInt64OnFloat64",
     [] { f64({2}).data<int64_t>(); },
     {"data: tensor has dtype float64, not int64"}},

    // matmul shapes.
    {"MatmulInnerDimMismatch",
     [] {
       matmul(f32({2, 3}), f32({4, 5}));
     },
     {"matmul: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)"}},
    {"MatmulMatrixVectorMismatch",
     [] {
       matmul(f32({2, 3}), f32({4}));
     },
     {"matmul: shapes [2, 3] and [4, 1] cannot be multiplied (3 != 4)"}},
    {"MatmulZeroDimOperand",
     [] { matmul(scalar_tensor(2.0), f32({3})); },
     {"matmul: operands must have at least one dimension", "shapes [] and [3]"}},
    {"MatmulVectorsOfDifferentLengths",
     [] { matmul(f32({3}), f32({4})); },
     {"matmul: vectors of shapes [3] and [4] have different lengths"}},
    {"MatmulBatchNotBroadcastable",
     [] {
       matmul(f32({2, 2, 3}), f32({3, 3, 4}));
     },
     {"matmul: shapes [2] and [3] are not broadcastable"}},

    // Views.
    {"ViewOnTransposed",
     [] {
       f32({2, 3}).t().view({6});
     },
     {"view: shape [6] is incompatible with the strides [1, 3] of a tensor of shape [3, 2]"}},
    {"ViewWrongNumel",
     [] {
       f32({2, 3}).view({4});
     },
     {"view: shape [4] is invalid for a tensor of 6 elements"}},
    {"ViewTwoInferredDims",
     [] {
       f32({2, 3}).view({-1, -1});
     },
     {"view: only one dimension can be -1, got [-1, -1]"}},
    {"ViewNegativeSize",
     [] {
       f32({4}).view({-2, -2});
     },
     {"view: invalid size -2 in shape [-2, -2]"}},
    {"ReshapeWrongNumel",
     [] {
       f32({2, 3}).reshape({5});
     },
     {"reshape: shape [5] is invalid for a tensor of 6 elements"}},
    {"ReshapeTwoInferredDims",
     [] {
       f32({2, 3}).reshape({-1, 2, -1});
     },
     {"reshape: only one dimension can be -1, got [-1, 2, -1]"}},
    {"ReshapeInferredNotDivisible",
     [] {
       f32({2, 3}).reshape({-1, 4});
     },
     {"reshape: shape [-1, 4] is invalid for a tensor of 6 elements"}},
    {"ExpandIncompatible",
     [] {
       f32({2, 3}).expand({2, 4});
     },
     {"expand: cannot expand shape [2, 3] to [2, 4] (dim 1: 3 to 4)"}},
    {"ExpandFewerDims",
     [] {
       f32({2, 3}).expand({3});
     },
     {"expand: target shape [3] has fewer dimensions than the tensor's shape [2, 3]"}},
    {"ExpandLeadingMinusOne",
     [] {
       f32({3}).expand({-1, 3});
     },
     {"expand: new leading dim 0 cannot be -1"}},
    {"SliceStepZero", [] { f32({4}).slice(0, 0, 4, 0); }, {"slice: step must be positive, got 0"}},
    {"SliceNegativeStep",
     [] { f32({4}).slice(0, std::nullopt, std::nullopt, -1); },
     {"slice: step must be positive, got -1"}},
    {"SliceZeroDim", [] { scalar_tensor(1.0).slice(0); }, {"slice: cannot slice a 0-dim tensor"}},
    {"UnfoldWindowLargerThanDim",
     [] { f32({4}).unfold(0, 5, 1); },
     {"unfold: window size 5 exceeds dim 0 of size 4"}},
    {"UnfoldStepZero", [] { f32({4}).unfold(0, 2, 0); }, {"unfold: step must be positive, got 0"}},
    {"TopkKTooLarge",
     [] { topk(f32({4}), 5); },
     {"topk: k = 5 is out of range for dim 0 of size 4"}},
    {"TopkNegativeK",
     [] {
       topk(f32({2, 4}), -1, 0);
     },
     {"topk: k = -1 is out of range for dim 0 of size 2"}},
    {"TrilOfVector",
     [] { tril(f32({3})); },
     {"tril: expects a tensor of at least 2 dims, got shape [3]"}},
    {"TriuOfScalar",
     [] { triu(scalar_tensor(1.0)); },
     {"triu: expects a tensor of at least 2 dims, got shape []"}},

    // Creation.
    {"ArangeStepZero",
     [] { arange(0, 5, 0); },
     {"arange: step must be finite and non-zero, got 0"}},
    {"ArangeWrongDirection", [] { arange(0, 5, -1); }, {"arange: step -1 never reaches 5 from 0"}},
    {"ArangeInfiniteBound",
     [] { arange(0, std::numeric_limits<double>::infinity()); },
     {"arange: bounds must be finite"}},
    {"LinspaceNegativeSteps",
     [] { linspace(0, 1, -1); },
     {"linspace: number of steps must be non-negative, got -1"}},
    {"EyeNegativeSize", [] { eye(-1); }, {"eye: sizes must be non-negative, got -1 x -1"}},
    {"EyeNegativeColumns", [] { eye(2, -3); }, {"eye: sizes must be non-negative, got 2 x -3"}},
    {"RandintLowEqualsHigh",
     [] { randint(5, 5, {2}); },
     {"randint: low (5) must be less than high (5)"}},
    {"RandintLowAboveHigh",
     [] { randint(3, -2, {2}); },
     {"randint: low (3) must be less than high (-2)"}},
    {"BernoulliScalarAboveOne",
     [] { bernoulli({2}, 1.5); },
     {"bernoulli: probability must lie in [0, 1], got 1.5"}},
    {"BernoulliScalarNegative",
     [] { bernoulli({2}, -0.25); },
     {"bernoulli: probability must lie in [0, 1], got -0.25"}},
    {"BernoulliTensorAboveOne",
     [] {
       bernoulli(tensor({0.5, 1.5}));
     },
     {"bernoulli: probabilities must lie in [0, 1], got values in [0.5, 1.5]"}},
    {"BernoulliTensorNegative",
     [] {
       bernoulli(tensor({-0.5, 0.25}));
     },
     {"bernoulli: probabilities must lie in [0, 1], got values in [-0.5, 0.25]"}},
    {"BernoulliTensorInt64",
     [] { bernoulli(tensor({1})); },
     {"bernoulli: expects a floating dtype, got int64"}},
    {"ZerosNegativeDim", [] { zeros({-1}); }, {"tensor shape [-1] has a negative dimension"}},
    {"FullNegativeDim",
     [] {
       full({2, -3}, 1.0);
     },
     {"tensor shape [2, -3] has a negative dimension"}},
    {"RaggedNestedList",
     [] {
       kiln::tensor({{1.0, 2.0}, {3.0}});
     },
     {"tensor: ragged nested list (dim 1 has lengths 2 and 1)"}},
    {"FromVectorSizeMismatch",
     [] {
       from_vector(std::vector<float>{1, 2, 3}, {2, 2});
     },
     {"from_vector: 3 values do not fill shape [2, 2]"}},
    {"RankAboveMaxDims",
     [] {
       zeros({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
     },
     {"tensor rank 13 exceeds kiln's maximum of 12"}},
    {"UnsqueezeBeyondMaxDims",
     [] { zeros(Shape::filled(kMaxDims, 1)).unsqueeze(0); },
     {"tensor rank 13 exceeds kiln's maximum of 12"}},

    // Scalars, devices, threads, undefined tensors.
    {"ClampWithNeitherBound",
     [] { clamp(f32({2}), std::nullopt, std::nullopt); },
     {"clamp: at least one of min and max must be given"}},
    {"ItemOfMultiElementTensor",
     [] {
       f32({2, 2}).item<float>();
     },
     {"item: expected a tensor with one element, got shape [2, 2]"}},
    {"ItemOfEmptyTensor",
     [] { f32({0}).item<double>(); },
     {"item: expected a tensor with one element, got shape [0]"}},
    {"DeviceParseGpu",
     [] { Device::parse("gpu"); },
     {"device: cannot parse 'gpu'", "cpu, cuda or cuda:N"}},
    {"DeviceParseCudaWithoutIndex", [] { Device::parse("cuda:"); }, {"cannot parse 'cuda:'"}},
    {"DeviceParseCudaBadIndex", [] { Device::parse("cuda:x1"); }, {"cannot parse 'cuda:x1'"}},
    {"SetNumThreadsZero",
     [] { set_num_threads(0); },
     {"set_num_threads: thread count must be at least 1, got 0"}},
    {"SetNumThreadsNegative",
     [] { set_num_threads(-4); },
     {"set_num_threads: thread count must be at least 1, got -4"}},
    {"UndefinedTensorShape", [] { Tensor().shape(); }, {"operation on an undefined tensor"}},
    {"UndefinedTensorInAdd", [] { add(Tensor(), f32({2})); }, {"operation on an undefined tensor"}},

    // Reductions whose result is undefined on empty input.
    {"MaxOfEmptyTensor",
     [] { kiln::max(f32({0})); },
     {"max: cannot reduce an empty tensor of shape [0]"}},
    {"MinOfEmptyTensor",
     [] {
       kiln::min(f32({2, 0}));
     },
     {"min: cannot reduce an empty tensor of shape [2, 0]"}},
    {"AmaxOverSizeZeroDim",
     [] {
       amax(f32({2, 0}), {1});
     },
     {"amax: cannot reduce over dim 1 of size 0 (shape [2, 0])"}},
    {"AminOfEmptyTensor",
     [] { amin(f32({0})); },
     {"amin: cannot reduce over dim 0 of size 0 (shape [0])"}},
    {"ArgmaxOverSizeZeroDim",
     [] {
       argmax(f32({3, 0}), 1);
     },
     {"argmax: cannot reduce over dim 1 of size 0 (shape [3, 0])"}},
    {"ArgminOverSizeZeroDim",
     [] {
       argmin(f32({0, 3}), 0);
     },
     {"argmin: cannot reduce over dim 0 of size 0 (shape [0, 3])"}},
    {"MaxAlongSizeZeroDim",
     [] {
       kiln::max(f32({0, 2}), 0);
     },
     {"max: cannot reduce over dim 0 of size 0 (shape [0, 2])"}},

    // Sizes and values at the edges of int64 and of the dtype.
    {"ShapeOverflowsInt64",
     [] {
       zeros({int64_t{1} << 62, 4});
     },
     {"has more elements than int64 can count"}},
    {"ByteCountOverflowsInt64",
     [] { empty({int64_t{1} << 62}, {.dtype = kInt64}); },
     {"needs more bytes than int64 can count"}},
    {"ExpandOverflowsInt64",
     [] {
       f32({1, 1}).expand({int64_t{1} << 40, int64_t{1} << 40});
     },
     {"has more elements than int64 can count"}},
    {"NarrowLengthOverflow",
     [] { f32({4}).narrow(0, 1, std::numeric_limits<int64_t>::max()); },
     {"narrow: start 1 + length 9223372036854775807 exceeds dim 0 of size 4"}},
    {"FullValueOutOfInt64Range",
     [] { full({2}, 1e300, {.dtype = kInt64}); },
     {"fill_: value 1e+300 does not fit in int64"}},
    {"MaskedFillValueOutOfInt64Range",
     [] { i64({2}).masked_fill(bools({2}), -1e19); },
     {"masked_fill: value -1e+19 does not fit in int64"}},
    {"SizeOfZeroDimTensor",
     [] { scalar_tensor(1.0).size(0); },
     {"size: a 0-dim tensor has no dims"}},
    {"StrideOfZeroDimTensor",
     [] { scalar_tensor(1.0).stride(0); },
     {"stride: a 0-dim tensor has no dims"}},
    {"BernoulliNanProbability",
     [] { bernoulli(full({2}, std::numeric_limits<double>::quiet_NaN())); },
     {"bernoulli: probabilities must lie in [0, 1]"}},
    {"RandintBoundsBeyondExactDoubles",
     [] { randint(0, (int64_t{1} << 53) + 2, {2}); },
     {"randint: bounds [0, 9007199254740994) must lie within [-2^53, 2^53]"}},
    {"ArangeTooManyElements",
     [] { arange(0, 1e300); },
     {"arange: [0, 1e+300) in steps of 1", "more than a tensor can hold"}},
    {"CopyIntoExpandedView",
     [] { f32({1}).expand({3}).copy_(f32({3})); },
     {"copy_: the destination of shape [3] and strides [0] has several elements at one memory "
      "location"}},
    {"FillExpandedView",
     [] { f32({1}).expand({3}).fill_(1.0); },
     {"fill_: the destination of shape [3]", "one memory location"}},
    {"AddInPlaceIntoExpandedView",
     [] { f32({1}).expand({3}).add_(f32({3})); },
     {"add: the destination of shape [3]", "one memory location"}},
    {"AddInPlaceFloatIntoInt",
     [] { i64({2}).add_(f32({2})); },
     {"add: output dtype int64 differs from the result dtype float32"}},
    {"AddInPlaceBroadcastsPastDestination",
     [] {
       f32({3}).add_(f32({2, 3}));
     },
     {"add: output of shape [3] does not match the result's shape [2, 3]"}},
    {"MaxWithDimOnBool", [] { kiln::max(bools({2}), 0); }, {"max: not defined for bool tensors"}},
    {"ArgmaxOnBool", [] { argmax(bools({2}), 0); }, {"argmax: not defined for bool tensors"}},
    {"GatherZeroDimIndexOutOfRange",
     [] { gather(scalar_tensor(1.0), 0, scalar_tensor(int64_t{1})); },
     {"gather: index 1 is out of range for dim 0 of size 1"}},
    {"IndexAddFloatAlphaOnIntegers",
     [] { index_add(i64({4}), 0, tensor({1}), tensor({10}), 0.5); },
     {"index_add: alpha 0.5 must be an integer for a tensor of int64"}},
    {"WriteIntoOverlappingUnfold",
     [] {
       Tensor windows = f32({4}).unfold(0, 2, 1);
       add_out(windows, windows, windows);
     },
     {"add: the destination of shape [3, 2] and strides [1, 1]", "one memory location"}},
    {"FillFloat32Overflow", [] { full({2}, 1e40); }, {"fill_: value 1e+40 overflows float32"}},
    {"PowIntegerNegativeExponent",
     [] {
       pow(tensor({2, 3}), tensor({1, -1}));
     },
     {"pow: integers to negative integer powers are not allowed"}},
    {"AttentionKeyWidthDiffers",
     [] {
       scaled_dot_product_attention(f32({2, 3, 4}), f32({2, 5, 3}), f32({2, 5, 3}));
     },
     {"scaled_dot_product_attention: query [2, 3, 4], key [2, 5, 3]", "do not fit"}},
    {"AttentionValueLengthDiffers",
     [] {
       scaled_dot_product_attention(f32({3, 4}), f32({5, 4}), f32({6, 2}));
     },
     {"scaled_dot_product_attention", "value [6, 2]"}},
    {"AttentionDropoutOne",
     [] {
       scaled_dot_product_attention(f32({3, 4}), f32({5, 4}), f32({5, 2}), {}, 1.0);
     },
     {"scaled_dot_product_attention: dropout_p must be in [0, 1), got 1"}},
    {"AttentionIntegerMask",
     [] {
       scaled_dot_product_attention(f32({3, 4}), f32({5, 4}), f32({5, 2}), i64({3, 5}));
     },
     {"scaled_dot_product_attention: attn_mask must be bool or floating"}},
    {"AttentionMaskNotBroadcastable",
     [] {
       scaled_dot_product_attention(f32({3, 4}), f32({5, 4}), f32({5, 2}), f32({2, 5}));
     },
     {"[3, 5]", "[2, 5]"}},
    {"BinaryCrossEntropyNotBroadcastable",
     [] {
       binary_cross_entropy_elementwise(f32({2, 3}), f32({4}));
     },
     {"binary_cross_entropy_elementwise: shapes [2, 3] and [4] are not broadcastable"}},
    {"ClampNanBoundOnIntegers",
     [] { clamp(i64({2}), std::numeric_limits<double>::quiet_NaN(), std::nullopt); },
     {"clamp: NaN bound for an int64 tensor"}},
};

class BadInputTest : public testing::TestWithParam<BadCall> {};

TEST_P(BadInputTest, ThrowsKilnErrorNamingTheProblem) {
  expect_kiln_error(GetParam());
}

INSTANTIATE_TEST_SUITE_P(BadInput, BadInputTest, testing::ValuesIn(table),
                         [](const testing::TestParamInfo<BadCall>& info) {
                           return std::string(info.param.name);
                         });

TEST(BadInputTable, HasAtLeastFiftyRowsEachWithAnExpectedMessage) {
  EXPECT_GE(table.size(), 50u);
  for (const BadCall& row : table) {
    EXPECT_FALSE(row.message_contains.empty()) << row.name;
  }
}

}  // namespace
}  // namespace kiln
