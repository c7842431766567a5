#pragma once

// Checks of modules and functions against PyTorch fixtures (bench/pytorch/fixture_cases.py):
// the output, then the gradients of (output * grad_output).sum(). Tolerances: float64 cases
// 1e-10 relative, float32 cases 1e-5 relative, chosen by the fixture's output dtype.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "golden.h"
#include "nn/containers.h"

namespace kiln::testing {

constexpr double kRtol64 = 1e-10, kAtol64 = 1e-12;
constexpr double kRtol32 = 1e-5, kAtol32 = 1e-6;

struct Tolerance {
  double rtol, atol;
};
inline Tolerance tolerance_for(DType dtype) {
  return dtype == kFloat64 ? Tolerance{kRtol64, kAtol64} : Tolerance{kRtol32, kAtol32};
}

using ModuleForward = std::function<Tensor(const std::vector<Tensor>& inputs)>;

// Loads the fixture's parameters ("param.<name>") into `module`, in the fixture's dtype, runs
// forward on its "input" (and "input2"; floating ones require grad) and compares the output,
// the gradients of the inputs and of every parameter, and the buffers after the pass.
// `tolerance` replaces the dtype's for a case whose rounding compounds over many layers.
inline void check_module(const Golden& golden, nn::Module& module, const ModuleForward& forward,
                         std::optional<Tolerance> tolerance = std::nullopt) {
  const Tensor output_expected = golden["output"];
  const auto [rtol, atol] = tolerance.value_or(tolerance_for(output_expected.dtype()));
  module.to(output_expected.dtype());
  module.load_state_dict(golden.with_prefix("param."));
  std::vector<Tensor> inputs;
  for (const char* key : {"input", "input2"}) {
    if (!golden.has(key)) continue;
    Tensor x = golden[key].clone();
    if (is_floating(x.dtype())) x.requires_grad_();
    inputs.push_back(x);
  }
  const Tensor output = forward(inputs);
  golden.expect_close(output, "output", rtol, atol);
  (output * golden["grad_output"]).sum().backward();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string key = i == 0 ? "grad.input" : "grad.input2";
    if (golden.has(key)) golden.expect_close(inputs[i].grad(), key, rtol, atol);
  }
  for (const auto& [pname, p] : module.named_parameters()) {
    golden.expect_close(p.grad(), "grad.param." + pname, rtol, atol);
  }
  for (const auto& [bname, b] : module.named_buffers()) {
    golden.expect_close(b, "after." + bname, rtol, atol);
  }
}

// The fixture tests/fixtures/nn/<name>.safetensors.
inline void check_module(const std::string& name, nn::Module& module,
                         const ModuleForward& forward) {
  check_module(Golden(name), module, forward);
}

inline void check_unary(const std::string& name, nn::UnaryModule& module) {
  check_module(name, module, [&](const std::vector<Tensor>& in) { return module(in[0]); });
}

using FunctionInputs = std::map<std::string, Tensor>;
// A function of the fixture's tensors (fixture_cases.function_case): `differentiable` names
// the inputs whose gradients the fixture holds.
inline void check_function(const std::string& name, const std::vector<std::string>& differentiable,
                           const std::function<Tensor(const Golden&, FunctionInputs&)>& function) {
  const Golden golden(name);
  FunctionInputs inputs;
  for (const std::string& key : differentiable) inputs[key] = golden[key].clone().requires_grad_();
  const Tensor output = function(golden, inputs);
  const auto [rtol, atol] = tolerance_for(golden["output"].dtype());
  golden.expect_close(output, "output", rtol, atol);
  (output * golden["grad_output"]).sum().backward();
  for (const std::string& key : differentiable) {
    golden.expect_close(inputs[key].grad(), "grad." + key, rtol, atol);
  }
}

using GoldenFunction = std::function<Tensor(const Golden&, FunctionInputs&)>;
// check_function on <name> (float64) and <name>_f32.
inline void check_function_both_dtypes(const std::string& name,
                                       const std::vector<std::string>& differentiable,
                                       const GoldenFunction& function) {
  for (const char* suffix : {"", "_f32"}) check_function(name + suffix, differentiable, function);
}

// check_unary on <name> (float64) and <name>_f32, with a fresh module from make() for each.
template <typename Make>
void check_both_dtypes(const std::string& name, Make make) {
  for (const char* suffix : {"", "_f32"}) {
    auto module = make();
    check_unary(name + suffix, module);
  }
}

}  // namespace kiln::testing
