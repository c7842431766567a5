// selective_scan against mamba_ssm's selective_scan_ref (tests/fixtures/models/
// selective_scan.safetensors, from bench/pytorch/mamba_fixtures.py): every layout of B and C
// (fixed, input-dependent, grouped, mixed), with and without D, z, delta_bias and softplus,
// with and without the last state, and 130 steps (past the kernels' 64-step chunk): out, the
// last state, and the gradient of every input for the fixture's output gradients.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "tensor/io/safetensors.h"
#include "tensor/ops_selective_scan.h"

namespace kiln {
namespace {

using testing::Golden;

const char* const kInputs[] = {"u", "delta", "A", "B", "C", "D", "z", "delta_bias"};

// float64: only the order of the sums differs from the reference's.
constexpr double kRtol64 = 1e-10, kAtol64 = 1e-12;
// float32 on the same values, against the float64 reference: 130 steps of rounding.
constexpr double kRtol32 = 1e-4, kAtol32 = 1e-6;

const Safetensors& fixture() {
  static const Safetensors file =
      load_safetensors(std::string(KILN_FIXTURES_DIR) + "/models/selective_scan.safetensors");
  return file;
}

std::set<std::string> case_names() {
  std::set<std::string> names;
  for (const auto& [key, value] : fixture().tensors) {
    if (key.ends_with(".out")) names.insert(key.substr(0, key.size() - 4));
  }
  return names;
}

// Runs the case in `dtype` and compares everything the fixture holds for it.
void check_case(const std::string& name, DType dtype, double rtol, double atol) {
  SCOPED_TRACE(name + (dtype == kFloat64 ? " (float64)" : " (float32)"));
  const Golden golden("selective_scan", "models");
  auto has = [&](const std::string& key) { return golden.has(name + "." + key); };
  auto expect_close = [&](const Tensor& actual, const std::string& key) {
    const Golden::Comparison result = Golden::compare(actual, golden[name + "." + key], rtol, atol);
    EXPECT_TRUE(result.passed) << key << ": " << result.message;
  };
  std::map<std::string, Tensor> in;
  for (const char* key : kInputs) {
    if (has(key)) in[key] = golden[name + "." + key].to(dtype).requires_grad_();
  }
  auto input = [&](const char* key) { return in.contains(key) ? in.at(key) : Tensor(); };
  const bool softplus =
      nlohmann::json::parse(fixture().metadata.at("delta_softplus")).at(name).get<bool>();
  const bool with_last_state = has("last_state");
  SelectiveScanOutput result;
  if (with_last_state) {
    result = selective_scan_with_last_state(in.at("u"), in.at("delta"), in.at("A"), in.at("B"),
                                            in.at("C"), input("D"), input("z"), input("delta_bias"),
                                            softplus);
  } else {
    result.out = selective_scan(in.at("u"), in.at("delta"), in.at("A"), in.at("B"), in.at("C"),
                                input("D"), input("z"), input("delta_bias"), softplus);
  }
  expect_close(result.out, "out");
  Tensor objective = (result.out * golden[name + ".grad_out"].to(dtype)).sum();
  if (with_last_state) {
    expect_close(result.last_state, "last_state");
    objective = objective + (result.last_state * golden[name + ".grad_last_state"].to(dtype)).sum();
  }
  objective.backward();
  for (const auto& [key, tensor] : in) expect_close(tensor.grad(), "grad." + key);
}

TEST(SelectiveScanGolden, FixtureHoldsEveryLayoutAndOption) {
  const std::set<std::string> names = case_names();
  EXPECT_EQ(names.size(), 10u);
  for (const char* expected :
       {"fixed_bc", "variable_bc_mamba", "grouped_bc", "mixed_fixed_b_variable_c", "long_mamba"})
    EXPECT_TRUE(names.contains(expected)) << expected;
}

TEST(SelectiveScanGolden, MatchesSelectiveScanRefInFloat64) {
  for (const std::string& name : case_names()) check_case(name, kFloat64, kRtol64, kAtol64);
}

TEST(SelectiveScanGolden, MatchesSelectiveScanRefInFloat32) {
  for (const std::string& name : case_names()) check_case(name, kFloat32, kRtol32, kAtol32);
}

}  // namespace
}  // namespace kiln
