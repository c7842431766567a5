// The PyTorch surface beyond the first round against PyTorch (bench/pytorch/
// surface_fixtures.py): each case in float64 and float32, at golden_checks.h's tolerances.
#include "autograd/functions.h"
#include "nn/activation.h"
#include "nn/distance.h"
#include "nn/functional.h"
#include "nn/golden_checks.h"
#include "nn/instance_norm.h"
#include "nn/normalization.h"

namespace kiln::nn {
namespace {

using testing::check_both_dtypes;
using testing::check_function_both_dtypes;
using testing::check_unary;
using testing::FunctionInputs;
using testing::Golden;

TEST(GoldenSurface, Activations) {
  check_both_dtypes("act_elu", [] { return ELU(0.7); });
  check_both_dtypes("act_celu", [] { return CELU(1.5); });
  check_both_dtypes("act_selu", [] { return SELU(); });
  check_both_dtypes("act_hardtanh", [] { return Hardtanh(-0.5, 1.2); });
  // PyTorch's CPU backward multiplies by 1/6 rounded to float32 whatever the dtype
  // (1.0f / 6.0f in aten/src/ATen/native/cpu/Activation.cpp); kiln's float64 gradient is the
  // exact 1/6, so it agrees to float32's rounding only.
  Hardsigmoid hardsigmoid_module;
  check_unary("act_hardsigmoid_f32", hardsigmoid_module);
  const testing::Golden golden("act_hardsigmoid");
  const Tensor x = golden["input"].clone().requires_grad_();
  const Tensor y = hardsigmoid_module(x);
  golden.expect_close(y, "output", testing::kRtol64, testing::kAtol64);
  (y * golden["grad_output"]).sum().backward();
  golden.expect_close(x.grad(), "grad.input", 1e-7, testing::kAtol64);
  check_both_dtypes("act_hardswish", [] { return Hardswish(); });
  check_both_dtypes("act_mish", [] { return Mish(); });
  check_both_dtypes("act_logsigmoid", [] { return LogSigmoid(); });
  check_both_dtypes("act_softsign", [] { return Softsign(); });
  check_both_dtypes("act_glu", [] { return GLU(1); });
}

TEST(GoldenSurface, ShrinksAndSlopes) {
  check_both_dtypes("act_relu6", [] { return ReLU6(); });
  check_both_dtypes("act_hardshrink", [] { return Hardshrink(0.4); });
  check_both_dtypes("act_softshrink", [] { return Softshrink(0.3); });
  check_both_dtypes("act_tanhshrink", [] { return Tanhshrink(); });
  check_both_dtypes("act_threshold", [] { return Threshold(0.1, -2.0); });
  check_both_dtypes("act_softmin", [] { return Softmin(1); });
  check_both_dtypes("act_log_softmax", [] { return LogSoftmax(1); });
  check_both_dtypes("act_prelu", [] { return PReLU(3); });
  check_function_both_dtypes("normalize", {"input"}, [](const Golden&, FunctionInputs& in) {
    return functional::normalize(in["input"], 3, 0);
  });
}

TEST(GoldenSurface, ElementwiseWithOptions) {
  check_function_both_dtypes("atan2", {"input", "other"}, [](const Golden&, FunctionInputs& in) {
    return atan2(in["input"], in["other"]);
  });
  check_function_both_dtypes("hypot", {"input", "other"}, [](const Golden&, FunctionInputs& in) {
    return hypot(in["input"], in["other"]);
  });
  check_function_both_dtypes(
      "add_alpha", {"input", "other"},
      [](const Golden&, FunctionInputs& in) { return add(in["input"], in["other"], 2.5); });
  check_function_both_dtypes(
      "sub_alpha", {"input", "other"},
      [](const Golden&, FunctionInputs& in) { return sub(in["input"], in["other"], -0.5); });
  check_function_both_dtypes("masked_fill_tensor", {"input", "value"},
                             [](const Golden& g, FunctionInputs& in) {
                               return masked_fill(in["input"], g["mask"], in["value"]);
                             });
}

TEST(GoldenSurface, Rearranging) {
  check_function_both_dtypes("flip", {"input"}, [](const Golden&, FunctionInputs& in) {
    return flip(in["input"], {0, 2});
  });
  check_function_both_dtypes("roll", {"input"}, [](const Golden&, FunctionInputs& in) {
    return roll(in["input"], {1, -2}, {1, 0});
  });
  check_function_both_dtypes("roll_flat", {"input"}, [](const Golden&, FunctionInputs& in) {
    return roll(in["input"], {5});
  });
  check_function_both_dtypes("repeat", {"input"}, [](const Golden&, FunctionInputs& in) {
    return repeat(in["input"], {2, 1, 3});
  });
  check_function_both_dtypes(
      "tile", {"input"}, [](const Golden&, FunctionInputs& in) { return tile(in["input"], {2}); });
  check_function_both_dtypes("repeat_interleave", {"input"}, [](const Golden&, FunctionInputs& in) {
    return repeat_interleave(in["input"], 2, 1);
  });
  check_function_both_dtypes("repeat_interleave_counts", {"input"},
                             [](const Golden& g, FunctionInputs& in) {
                               return repeat_interleave(in["input"], g["repeats"], 0);
                             });
}

TEST(GoldenSurface, ContractionsThroughMatmul) {
  check_function_both_dtypes("einsum_attention", {"a", "b"}, [](const Golden&, FunctionInputs& in) {
    return einsum("bhqd,bhkd->bhqk", {in["a"], in["b"]});
  });
  check_function_both_dtypes("einsum_ellipsis", {"a", "b"}, [](const Golden&, FunctionInputs& in) {
    return einsum("...ij,...jk", {in["a"], in["b"]});
  });
  check_function_both_dtypes("einsum_three", {"a", "b", "c"},
                             [](const Golden&, FunctionInputs& in) {
                               return einsum("ik,jk,k->ij", {in["a"], in["b"], in["c"]});
                             });
  check_function_both_dtypes("addmm", {"input", "mat1", "mat2"},
                             [](const Golden&, FunctionInputs& in) {
                               return addmm(in["input"], in["mat1"], in["mat2"], 0.5, 2);
                             });
  check_function_both_dtypes("baddbmm", {"input", "batch1", "batch2"},
                             [](const Golden&, FunctionInputs& in) {
                               return baddbmm(in["input"], in["batch1"], in["batch2"], 2, -1);
                             });
}

TEST(GoldenSurface, GroupAndInstanceNorm) {
  check_both_dtypes("group_norm", [] { return GroupNorm(2, 4); });
  check_both_dtypes("group_norm_no_affine", [] { return GroupNorm(3, 3, 1e-5, false); });
  check_both_dtypes("instance_norm1d_running",
                    [] { return InstanceNorm1d(3, 1e-5, 0.1, true, true); });
  check_both_dtypes("instance_norm2d", [] { return InstanceNorm2d(2); });
  check_both_dtypes("instance_norm1d_unbatched", [] { return InstanceNorm1d(3); });
  for (const char* suffix : {"", "_f32"}) {
    InstanceNorm2d evaluating(2, 1e-5, 0.1, false, true);
    evaluating.eval();
    check_unary(std::string("instance_norm2d_eval") + suffix, evaluating);
  }
}

TEST(GoldenSurface, Distances) {
  check_function_both_dtypes("cosine_similarity", {"x1", "x2"},
                             [](const Golden&, FunctionInputs& in) {
                               return functional::cosine_similarity(in["x1"], in["x2"]);
                             });
  check_function_both_dtypes("cosine_similarity_broadcast", {"x1", "x2"},
                             [](const Golden&, FunctionInputs& in) {
                               return functional::cosine_similarity(in["x1"], in["x2"], -1);
                             });
  check_function_both_dtypes("pairwise_distance", {"x1", "x2"},
                             [](const Golden&, FunctionInputs& in) {
                               return functional::pairwise_distance(in["x1"], in["x2"]);
                             });
  check_function_both_dtypes(
      "pairwise_distance_p1", {"x1", "x2"}, [](const Golden&, FunctionInputs& in) {
        return functional::pairwise_distance(in["x1"], in["x2"], 1, 1e-6, true);
      });
  for (const char* name : {"cdist", "cdist_matmul"}) {
    check_function_both_dtypes(name, {"x1", "x2"}, [](const Golden&, FunctionInputs& in) {
      return functional::cdist(in["x1"], in["x2"]);
    });
  }
  check_function_both_dtypes("cdist_p1", {"x1", "x2"}, [](const Golden&, FunctionInputs& in) {
    return functional::cdist(in["x1"], in["x2"], 1);
  });
}

TEST(GoldenSurface, Options) {
  check_function_both_dtypes("embedding_negative_padding", {"weight"},
                             [](const Golden& g, FunctionInputs& in) {
                               return functional::embedding(in["weight"], g["indices"], -1);
                             });
  check_function_both_dtypes(
      "sdpa_gqa", {"query", "key", "value"}, [](const Golden&, FunctionInputs& in) {
        return scaled_dot_product_attention(in["query"], in["key"], in["value"], {}, 0, true,
                                            std::nullopt, nullptr, true);
      });
  // 6 query heads over 3 key heads and 2 value heads.
  check_function_both_dtypes(
      "sdpa_gqa_uneven", {"query", "key", "value"}, [](const Golden&, FunctionInputs& in) {
        return scaled_dot_product_attention(in["query"], in["key"], in["value"], {}, 0, false,
                                            std::nullopt, nullptr, true);
      });
}

}  // namespace
}  // namespace kiln::nn
