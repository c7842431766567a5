// selective_scan's kernels against selective_scan_reference (ordinary ops): outputs, the last
// state and every input's gradient, at sizes where the kernels' chunks and channel blocks
// matter (L over several 64-step chunks, D over several 32-channel blocks). float32 with
// mamba_ssm's own test tolerances (rtol 6e-4, atol 2e-3), float64 near rounding.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autograd/engine.h"
#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/ops_selective_scan.h"
#include "tests/golden.h"
#include "tests/tensor/testing.h"

namespace kiln {
namespace {

struct Layout {
  std::string name;
  Shape b, c;  // empty: fixed [D, N]
  bool options;
};

constexpr int64_t kBatch = 2, kChannels = 72, kLength = 150, kState = 16;

Shape shape_or_fixed(const Shape& shape) {
  return shape.size() == 0 ? Shape{kChannels, kState} : shape;
}

std::vector<Tensor> make_inputs(const Layout& layout, DType dtype, uint64_t seed) {
  Generator g(seed);
  const TensorOptions like{.dtype = kFloat64};
  const Shape row{kBatch, kChannels, kLength};
  // Without softplus, delta is the step itself: positive, so that the states decay.
  const Tensor delta = layout.options ? rand(row, like, &g) * 1.6 - 0.8 : rand(row, like, &g) * 0.8;
  std::vector<Tensor> v{
      randn(row, like, &g), delta, -(rand({kChannels, kState}, like, &g) * 15 + 1),
      randn(shape_or_fixed(layout.b), like, &g), randn(shape_or_fixed(layout.c), like, &g)};
  if (layout.options) {
    v.push_back(randn({kChannels}, like, &g));
    v.push_back(randn(row, like, &g));
    v.push_back(rand({kChannels}, like, &g) - 0.5);
  } else {
    v.resize(8);
  }
  for (Tensor& x : v) {
    if (x.defined()) x = x.to(dtype).detach().requires_grad_(true);
  }
  return v;
}

struct Results {
  Tensor out, last_state;
  std::vector<Tensor> grads;
};

template <typename Scan>
Results run(const Scan& scan, const std::vector<Tensor>& v, bool softplus, uint64_t seed) {
  const SelectiveScanOutput r = scan(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], softplus);
  Generator g(seed);
  const Tensor d_out = randn(r.out.shape(), {.dtype = r.out.dtype()}, &g);
  const Tensor d_last = randn(r.last_state.shape(), {.dtype = r.out.dtype()}, &g);
  std::vector<Tensor> wanted;
  for (const Tensor& x : v) {
    if (x.defined()) wanted.push_back(x);
  }
  return {r.out.detach(), r.last_state.detach(),
          grad({r.out, r.last_state}, wanted, {d_out, d_last})};
}

void expect_close(const Tensor& actual, const Tensor& expected, double rtol, double atol,
                  const std::string& what) {
  const auto comparison =
      testing::Golden::compare(actual.to(kFloat64), expected.to(kFloat64), rtol, atol);
  EXPECT_TRUE(comparison.passed) << what << ": " << comparison.message;
}

class SelectiveScanKernels : public ::testing::TestWithParam<Layout> {};

void check_against_reference(const Layout& layout, DType dtype, double rtol, double atol) {
  const std::vector<Tensor> v = make_inputs(layout, dtype, 7);
  const bool softplus = layout.options;
  const Results fast = run(selective_scan_with_last_state, v, softplus, 11);
  const Results slow = run(selective_scan_reference, v, softplus, 11);
  expect_close(fast.out, slow.out, rtol, atol, "out");
  expect_close(fast.last_state, slow.last_state, rtol, atol, "last state");
  ASSERT_EQ(fast.grads.size(), slow.grads.size());
  const char* names[] = {"du", "ddelta", "dA", "dB", "dC", "dD", "dz", "ddelta_bias"};
  for (size_t i = 0; i < fast.grads.size(); ++i) {
    expect_close(fast.grads[i], slow.grads[i], rtol, atol, names[i]);
  }
}

TEST_P(SelectiveScanKernels, Float64MatchesTheReferenceToRounding) {
  check_against_reference(GetParam(), kFloat64, 1e-10, 1e-10);
}

// The reference runs in float64 here: the float32 kernels against the exact answer.
TEST_P(SelectiveScanKernels, Float32MatchesTheReferenceWithinMambaTolerances) {
  const Layout& layout = GetParam();
  const std::vector<Tensor> v32 = make_inputs(layout, kFloat32, 7);
  const std::vector<Tensor> v64 = make_inputs(layout, kFloat64, 7);
  const Results fast = run(selective_scan_with_last_state, v32, layout.options, 11);
  const Results exact = run(selective_scan_reference, v64, layout.options, 11);
  expect_close(fast.out, exact.out, 6e-4, 2e-3, "out");
  expect_close(fast.last_state, exact.last_state, 6e-4, 2e-3, "last state");
  const char* names[] = {"du", "ddelta", "dA", "dB", "dC", "dD", "dz", "ddelta_bias"};
  for (size_t i = 0; i < fast.grads.size(); ++i) {
    expect_close(fast.grads[i], exact.grads[i].to(kFloat64), 6e-4, 2e-3, names[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, SelectiveScanKernels,
    ::testing::Values(
        Layout{"Fixed", {}, {}, false},
        Layout{"InputDependent", {kBatch, kState, kLength}, {kBatch, kState, kLength}, true},
        Layout{"ThreeGroups", {kBatch, 3, kState, kLength}, {kBatch, 3, kState, kLength}, true},
        Layout{"FixedBGroupedC", {}, {kBatch, 4, kState, kLength}, true}),
    [](const ::testing::TestParamInfo<Layout>& info) { return info.param.name; });

// The CPU kernels pad N states to a power of two (with zeros) and run channels in pairs:
// state counts between the powers and odd channel counts (a lone last channel) against
// the reference.
TEST(SelectiveScan, PaddedStatesAndOddChannelsMatchTheReference) {
  for (const auto& [channels, state] : {std::pair<int64_t, int64_t>{7, 5}, {3, 17}, {33, 70}}) {
    Generator g(static_cast<uint64_t>(channels * 100 + state));
    const TensorOptions like{.dtype = kFloat64};
    const Shape row{2, channels, 67};
    std::vector<Tensor> v{randn(row, like, &g),
                          rand(row, like, &g) - 0.5,
                          -rand({channels, state}, like, &g) * 4,
                          randn({2, state, 67}, like, &g),
                          randn({2, state, 67}, like, &g),
                          randn({channels}, like, &g),
                          randn(row, like, &g),
                          rand({channels}, like, &g)};
    for (Tensor& x : v) x = x.detach().requires_grad_(true);
    const Results fast = run(selective_scan_with_last_state, v, true, 3);
    const Results slow = run(selective_scan_reference, v, true, 3);
    const std::string where = "D " + std::to_string(channels) + ", N " + std::to_string(state);
    expect_close(fast.out, slow.out, 1e-10, 1e-10, where + " out");
    expect_close(fast.last_state, slow.last_state, 1e-10, 1e-10, where + " last state");
    for (size_t i = 0; i < fast.grads.size(); ++i) {
      expect_close(fast.grads[i], slow.grads[i], 1e-10, 1e-10,
                   where + " grad " + std::to_string(i));
    }
  }
}

TEST(SelectiveScan, MoreStatesThanTheKernelsTakeIsAClearError) {
  const Tensor u = zeros({1, 2, 3});
  const Tensor a = zeros({2, 257});
  EXPECT_NE(
      testing::error_of([&] { selective_scan(u, u, a, a, a); })
          .find("selective_scan: the CPU kernels take N up to 256 states (mamba_ssm's bound), "
                "got 257"),
      std::string::npos);
}

TEST(SelectiveScan, TheThreeDimLayoutIsOneGroup) {
  Generator g(3);
  const Tensor u = randn({2, 5, 9}, {}, &g), delta = rand({2, 5, 9}, {}, &g);
  const Tensor a = -rand({5, 4}, {}, &g) - 0.5;
  const Tensor b = randn({2, 4, 9}, {}, &g), c = randn({2, 4, 9}, {}, &g);
  testing::expect_same(selective_scan(u, delta, a, b, c),
                       selective_scan(u, delta, a, b.unsqueeze(1), c.unsqueeze(1)), 0, 0);
}

TEST(SelectiveScan, EmptySequenceKeepsAZeroState) {
  const Tensor u = zeros({2, 3, 0});
  const SelectiveScanOutput r =
      selective_scan_with_last_state(u, u, -ones({3, 4}), ones({3, 4}), ones({3, 4}));
  EXPECT_EQ(r.out.shape(), Shape({2, 3, 0}));
  testing::expect_same(r.last_state, zeros({2, 3, 4}), 0, 0);
}

TEST(SelectiveScan, RepeatedRunsAreBitIdentical) {
  const Layout layout{"InputDependent", {kBatch, kState, kLength}, {kBatch, kState, kLength}, true};
  const std::vector<Tensor> v = make_inputs(layout, kFloat32, 5);
  const Results first = run(selective_scan_with_last_state, v, true, 2);
  const Results second = run(selective_scan_with_last_state, v, true, 2);
  testing::expect_same(first.out, second.out, 0, 0);
  for (size_t i = 0; i < first.grads.size(); ++i) {
    testing::expect_same(first.grads[i], second.grads[i], 0, 0);
  }
}

}  // namespace
}  // namespace kiln
