#pragma once

// Golden tests of a module against a fixture that bench/pytorch/make_fixtures.py's
// module_case (or a case in its style) wrote: the same parameters and inputs, then the output
// and the gradients of (output * grad_output).sum() compared with PyTorch's.
#include <functional>
#include <string>
#include <vector>

#include "golden.h"
#include "nn/module.h"

namespace kiln::testing {

// float64 cases to 1e-10 relative, float32 cases to 1e-5 relative.
constexpr double kRtol64 = 1e-10, kAtol64 = 1e-12;
constexpr double kRtol32 = 1e-5, kAtol32 = 1e-6;

using ModuleForward = std::function<Tensor(const std::vector<Tensor>& inputs)>;

// Loads the fixture's parameters ("param.<name>") into `module`, in the fixture's dtype, runs
// forward on its "input" (and "input2"; floating ones require grad) and compares the output,
// the gradients of the inputs and of every parameter, and the buffers after the pass.
inline void check_module(const Golden& golden, nn::Module& module, const ModuleForward& forward) {
  const Tensor output_expected = golden["output"];
  const bool f64 = output_expected.dtype() == kFloat64;
  const double rtol = f64 ? kRtol64 : kRtol32, atol = f64 ? kAtol64 : kAtol32;
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

}  // namespace kiln::testing
