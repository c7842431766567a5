// Padding modes, the convolutions' padding_mode, max pooling with indices, max unpooling and
// avg_pool's divisor_override against PyTorch (bench/pytorch/pooling_fixtures.py): each case
// in float64 and float32, at golden_checks.h's tolerances; indices exactly.
#include "nn/conv.h"
#include "nn/golden_checks.h"

namespace kiln::nn {
namespace {

using functional::PadMode;
using functional::PoolOptions;
using functional::UnpoolOptions;
using testing::check_both_dtypes;
using testing::check_function_both_dtypes;
using testing::FunctionInputs;
using testing::Golden;
using Pads = std::vector<std::pair<int64_t, int64_t>>;

// pooling_fixtures.py's PAD_CASES, in kiln's order (first padded dim first, where PyTorch
// lists the last dim first).
const std::pair<const char*, Pads> kPadCases[] = {
    {"1d", {{2, 3}}},
    {"1d_unbatched", {{4, 1}}},
    {"2d", {{3, 0}, {1, 2}}},
    {"3d", {{2, 1}, {0, 3}, {1, 2}}},
    {"3d_unbatched", {{1, 2}, {1, 1}, {2, 0}}},
    {"negative_1d", {{-2, 4}}},
    {"negative_2d", {{-1, 3}, {2, -1}}},
};

TEST(GoldenPooling, PadModes) {
  for (PadMode mode : {PadMode::Reflect, PadMode::Replicate, PadMode::Circular}) {
    for (const auto& [name, pads] : kPadCases) {
      check_function_both_dtypes(std::string("pad_") + functional::pad_mode_name(mode) + "_" + name,
                                 {"input"}, [&](const Golden&, FunctionInputs& in) {
                                   return functional::pad(in["input"], pads, mode);
                                 });
    }
  }
}

TEST(GoldenPooling, PadConstantCrops) {
  check_function_both_dtypes("pad_constant_negative", {"input"},
                             [](const Golden&, FunctionInputs& in) {
                               return functional::pad(in["input"], {{1, -2}, {-1, 2}}, 0.5);
                             });
  check_function_both_dtypes("pad_constant_negative_3d", {"input"},
                             [](const Golden&, FunctionInputs& in) {
                               return functional::pad(in["input"], {{-1, 0}, {2, -3}, {-1, 1}});
                             });
}

TEST(GoldenPooling, ConvPaddingModes) {
  using functional::PaddingMode;
  check_both_dtypes("conv1d_reflect", [] {
    return Conv1d(3, 4, 3, {.padding = {2}, .padding_mode = PadMode::Reflect});
  });
  check_both_dtypes("conv1d_circular_same", [] {
    return Conv1d(2, 3, 4, {.mode = PaddingMode::Same, .padding_mode = PadMode::Circular});
  });
  check_both_dtypes("conv2d_replicate", [] {
    return Conv2d(2, 3, {3, 2},
                  {.stride = {2, 1}, .padding = {1, 2}, .padding_mode = PadMode::Replicate});
  });
  check_both_dtypes("conv2d_circular_groups_dilation", [] {
    return Conv2d(
        4, 4, {3},
        {.padding = {2}, .dilation = {2}, .groups = 2, .padding_mode = PadMode::Circular});
  });
  check_both_dtypes("conv2d_reflect_same", [] {
    return Conv2d(2, 2, {2, 3}, {.mode = PaddingMode::Same, .padding_mode = PadMode::Reflect});
  });
}

// The values against the fixture's output and gradient, the indices exactly.
void check_max_pool_with_indices(const std::string& name, const PoolOptions& options) {
  check_function_both_dtypes(name, {"input"}, [&](const Golden& golden, FunctionInputs& in) {
    const auto [values, indices] = functional::max_pool_with_indices(in["input"], options);
    EXPECT_EQ(indices.dtype(), kInt64);
    golden.expect_close(indices, "indices", 0, 0);
    return values;
  });
}

TEST(GoldenPooling, MaxPoolWithIndices) {
  check_max_pool_with_indices("max_pool1d_indices_ties",
                              {.kernel = {3}, .stride = {2}, .padding = {1}, .ceil_mode = true});
  check_max_pool_with_indices("max_pool1d_indices_dilation",
                              {.kernel = {4}, .stride = {1}, .padding = {1}, .dilation = {2}});
  check_max_pool_with_indices(
      "max_pool2d_indices_ties",
      {.kernel = {3, 2}, .stride = {2, 1}, .padding = {1}, .ceil_mode = true});
  check_max_pool_with_indices("max_pool2d_indices_dilation",
                              {.kernel = {2, 2}, .stride = {2}, .padding = {1}, .dilation = {2}});
  check_max_pool_with_indices("max_pool2d_indices_unbatched_ties",
                              {.kernel = {2, 2}, .stride = {1}});
  check_max_pool_with_indices("max_pool1d_indices_minus_inf",
                              {.kernel = {3}, .stride = {2}, .padding = {1}});
}

void check_max_unpool(const std::string& name, const UnpoolOptions& options) {
  check_function_both_dtypes(name, {"input"}, [&](const Golden& golden, FunctionInputs& in) {
    return functional::max_unpool(in["input"], golden["indices"], options);
  });
}

TEST(GoldenPooling, MaxUnpool) {
  check_max_unpool("max_unpool1d", {.kernel = {2}});
  check_max_unpool("max_unpool1d_output_size",
                   {.kernel = {3}, .stride = {2}, .padding = {1}, .output_size = {9}});
  check_max_unpool(
      "max_unpool2d_output_size",
      {.kernel = {2, 3}, .stride = {2, 3}, .padding = {1}, .output_size = {1, 2, 5, 7}});
  check_max_unpool("max_unpool2d_unbatched",
                   {.kernel = {2, 2}, .stride = {3}, .output_size = {7, 6}});
  MaxUnpool unpool({.kernel = {2, 2}});
  check_function_both_dtypes("max_unpool2d", {"input"},
                             [&](const Golden& golden, FunctionInputs& in) {
                               return unpool.forward(in["input"], golden["indices"]);
                             });
}

TEST(GoldenPooling, MaxPoolIntoMaxUnpoolLayers) {
  MaxPool pool({.kernel = {2, 2}});
  MaxUnpool unpool({.kernel = {2, 2}});
  check_function_both_dtypes(
      "max_pool2d_into_max_unpool2d", {"input"}, [&](const Golden&, FunctionInputs& in) {
        const auto [values, indices] = pool.forward_with_indices(in["input"]);
        return unpool.forward(values, indices, {5, 4});
      });
}

TEST(GoldenPooling, AvgPoolDivisorOverride) {
  check_function_both_dtypes("avg_pool2d_divisor_override", {"input"},
                             [](const Golden&, FunctionInputs& in) {
                               return functional::avg_pool(in["input"], {.kernel = {3, 3},
                                                                         .stride = {2},
                                                                         .padding = {1},
                                                                         .ceil_mode = true,
                                                                         .divisor_override = 4});
                             });
  check_function_both_dtypes(
      "avg_pool2d_divisor_override_negative", {"input"}, [](const Golden&, FunctionInputs& in) {
        return functional::avg_pool(in["input"], {.kernel = {2, 3}, .divisor_override = -5});
      });
}

}  // namespace
}  // namespace kiln::nn
