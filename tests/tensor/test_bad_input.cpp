// Bad calls outside the op registry's entries (creation, random draws, element access,
// threads, devices, limits): every row must throw kiln::Error (not crash, not another
// exception type) with a message that names the function and the offending shape, dtype or
// value. The ops' own rows live in their registry entries (autograd/ops_*_entries.cpp) and
// run as OpRegistryBadInput. Device mixing is covered by the CUDA tests.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "autograd/functions.h"
#include "autograd/registry/samples.h"
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

using autograd::samples::bools;
using autograd::samples::f32;
using autograd::samples::f64;
using autograd::samples::i64;

const std::vector<BadCall> table = {
    // Dims out of range, repeated or of the wrong count.
    {"SizeDimOutOfRange", [] { f32({2}).size(1); }, {"size: dim 1 is out of range"}},
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

    // Wrong dtypes.
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
    {"DataWrongType",
     [] { f32({2}).data<double>(); },
     {"data: tensor has dtype float32, not float64"}},
    {"DataInt64OnFloat64",
     [] { f64({2}).data<int64_t>(); },
     {"data: tensor has dtype float64, not int64"}},

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
    // Sizes and values at the edges of int64 and of the dtype.
    {"ShapeOverflowsInt64",
     [] {
       zeros({int64_t{1} << 62, 4});
     },
     {"zeros: shape [4611686018427387904, 4] has more elements than int64 can count"}},
    // More bytes than any machine holds: an error naming the op and the bytes, not an abort.
    {"ZerosLargerThanMemory",
     [] {
       zeros({int64_t{1} << 40, int64_t{1} << 20});
     },
     {"zeros: a [1099511627776, 1048576] float32 tensor: cannot allocate 4611686018427387904 "
      "bytes on cpu"}},
    {"MatmulResultLargerThanMemory",
     [] {
       matmul(ones({1, 1}).expand({int64_t{1} << 22, 1}),
              ones({1, 1}).expand({1, int64_t{1} << 22}));
     },
     {"matmul: a [4194304, 4194304] float32 tensor: cannot allocate 70368744177664 bytes"}},
    {"AddResultLargerThanMemory",
     [] {
       ones({int64_t{1} << 22, 1}).expand({int64_t{1} << 22, int64_t{1} << 22}) + 1.0;
     },
     {"add: a [4194304, 4194304] float32 tensor: cannot allocate 70368744177664 bytes"}},
    {"ByteCountOverflowsInt64",
     [] { empty({int64_t{1} << 62}, {.dtype = kInt64}); },
     {"needs more bytes than int64 can count"}},
    {"ExpandOverflowsInt64",
     [] {
       f32({1, 1}).expand({int64_t{1} << 40, int64_t{1} << 40});
     },
     {"has more elements than int64 can count"}},
    {"FullValueOutOfInt64Range",
     [] { full({2}, 1e300, {.dtype = kInt64}); },
     {"fill_: value 1e+300 does not fit in int64"}},
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
    {"ArgmaxOnBool", [] { argmax(bools({2}), 0); }, {"argmax: not defined for bool tensors"}},
    {"FillFloat32Overflow", [] { full({2}, 1e40); }, {"fill_: value 1e+40 overflows float32"}},
};

class BadInputTest : public testing::TestWithParam<BadCall> {};

TEST_P(BadInputTest, ThrowsKilnErrorNamingTheProblem) {
  expect_kiln_error(GetParam());
}

INSTANTIATE_TEST_SUITE_P(BadInput, BadInputTest, testing::ValuesIn(table),
                         [](const testing::TestParamInfo<BadCall>& info) {
                           return std::string(info.param.name);
                         });

TEST(BadInputTable, HasAtLeastFortyRowsEachWithAnExpectedMessage) {
  EXPECT_GE(table.size(), 40u);
  for (const BadCall& row : table) {
    EXPECT_FALSE(row.message_contains.empty()) << row.name;
  }
}

}  // namespace
}  // namespace kiln
