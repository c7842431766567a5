#include "autograd/registry/op_verify.h"

#include <algorithm>
#include <cmath>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/deterministic.h"

namespace kiln::autograd {

namespace {

uint64_t seed_of(std::string_view name) {
  uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return hash;
}

void record_failure(CheckOutcome& outcome, const std::string& where, const std::string& why) {
  if (outcome.passed) outcome.message = where + ": " + why;
  outcome.passed = false;
}

std::string sample_name(const OpSample& sample) {
  return "sample \"" + sample.label + "\"";
}

void check_forward(const OpEntry& entry, const OpSample& sample, Device device,
                   CheckOutcome& outcome) {
  NoGradGuard no_grad;
  const Tensor reference = sample.call(sample.inputs);
  std::vector<Tensor> narrowed;
  for (const Tensor& input : sample.inputs) {
    const Tensor detached = input.detach();
    narrowed.push_back(
        (is_floating(detached.dtype()) ? detached.to(kFloat32) : detached).to(device));
  }
  const Tensor result = sample.call(narrowed);
  if (result.shape() != reference.shape()) {
    record_failure(outcome, sample_name(sample), "float32 result has a different shape");
    return;
  }
  const std::vector<double> expected = reference.to_vector<double>();
  const std::vector<double> actual = result.to_vector<double>();
  for (size_t i = 0; i < expected.size(); ++i) {
    const double error = std::abs(actual[i] - expected[i]);
    outcome.worst_error = std::max(outcome.worst_error, error);
    if (!(error <= entry.forward_atol + entry.forward_rtol * std::abs(expected[i]))) {
      record_failure(outcome, sample_name(sample),
                     "element " + std::to_string(i) + ": float32 " + std::to_string(actual[i]) +
                         ", float64 " + std::to_string(expected[i]));
    }
  }
}

// The sample's call with its inputs moved to `device` and its result back to the CPU, so
// that central differences and the analytic derivatives both come from `device`.
OpCall on_device(const OpSample& sample, Device device) {
  if (device.is_cpu()) return sample.call;
  return [call = sample.call, device](const std::vector<Tensor>& inputs) {
    std::vector<Tensor> moved;
    for (const Tensor& input : inputs) moved.push_back(input.to(device));
    return call(moved).to(kCPU);
  };
}

void check_derivatives(const OpEntry& entry, const OpSample& sample, Device device, OpCheck check,
                       CheckOutcome& outcome) {
  // A second backward pass must repeat the first bit for bit, which atomics
  // (scatter_add, index_add on a GPU) do not promise.
  const DeterministicAlgorithmsGuard deterministic(true);
  const OpCall call = on_device(sample, device);
  const GradcheckResult result = check == OpCheck::Gradcheck
                                     ? gradcheck(call, sample.inputs, entry.tolerances)
                                     : gradgradcheck(call, sample.inputs, entry.tolerances);
  outcome.worst_error = std::max(outcome.worst_error, result.worst_error);
  if (!result.passed) record_failure(outcome, sample_name(sample), result.message);
}

// Leaves on `device` in `dtype` (floating inputs only), requiring grad where `inputs` do.
std::vector<Tensor> leaves(const std::vector<Tensor>& inputs, DType dtype, Device device) {
  std::vector<Tensor> result;
  for (const Tensor& input : inputs) {
    Tensor x = input.detach();
    if (is_floating(x.dtype())) x = x.to(dtype);
    x = x.to(device);
    if (input.requires_grad()) x.requires_grad_(true);
    result.push_back(x);
  }
  return result;
}

// "" when every element of `actual` (on `device`) is within tolerance of `expected`.
std::string compare(const Tensor& actual, const Tensor& expected, Device device,
                    Tolerance tolerance, double* worst) {
  if (actual.shape() != expected.shape()) return "shapes differ";
  if (actual.device() != device) return "result is on " + actual.device().str();
  const std::vector<double> got = actual.to(kCPU).to_vector<double>();
  const std::vector<double> want = expected.to_vector<double>();
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i]) && std::isnan(got[i])) continue;
    if (worst != nullptr) *worst = std::max(*worst, std::abs(got[i] - want[i]));
    if (!(std::abs(got[i] - want[i]) <= tolerance.atol + tolerance.rtol * std::abs(want[i]))) {
      return "element " + std::to_string(i) + ": " + device.str() + " " + std::to_string(got[i]) +
             ", cpu " + std::to_string(want[i]);
    }
  }
  return "";
}

bool wants(std::span<const OpCheck> checks, OpCheck check) {
  return std::ranges::find(checks, check) != checks.end();
}

}  // namespace

std::string compare_with_cpu(const OpSample& sample, DType dtype, Device device, Tolerance forward,
                             Tolerance gradient, Generator& grad_generator, double* worst) {
  const std::vector<Tensor> cpu_inputs = leaves(sample.inputs, dtype, kCPU);
  const std::vector<Tensor> device_inputs = leaves(sample.inputs, dtype, device);
  const Tensor cpu_out = sample.call(cpu_inputs);
  const Tensor device_out = sample.call(device_inputs);
  const std::string forward_error = compare(device_out, cpu_out, device, forward, worst);
  if (!forward_error.empty()) return "forward: " + forward_error;
  if (!cpu_out.requires_grad()) return "";
  const Tensor grad_output = randn(cpu_out.shape(), {.dtype = cpu_out.dtype()}, &grad_generator);
  cpu_out.backward(grad_output);
  device_out.backward(grad_output.to(device));
  for (size_t i = 0; i < cpu_inputs.size(); ++i) {
    if (!cpu_inputs[i].requires_grad()) continue;
    const Tensor expected = cpu_inputs[i].grad(), actual = device_inputs[i].grad();
    if (expected.defined() != actual.defined()) {
      return "gradient of input " + std::to_string(i) + " is defined on one device only";
    }
    if (!expected.defined()) continue;
    const std::string error = compare(actual, expected, device, gradient, worst);
    if (!error.empty()) return "gradient of input " + std::to_string(i) + ": " + error;
  }
  return "";
}

const CheckOutcome& OpReport::outcome(OpCheck check) const {
  switch (check) {
    case OpCheck::Forward:
      return forward;
    case OpCheck::Gradcheck:
      return gradcheck;
    case OpCheck::Gradgradcheck:
      return gradgradcheck;
    case OpCheck::Parity:
      return parity;
    case OpCheck::BadInputs:
      return bad_inputs;
  }
  return forward;
}

bool OpReport::passed() const {
  return std::ranges::all_of(kAllOpChecks, [&](OpCheck check) { return outcome(check).passed; });
}

OpReport verify_op(const OpEntry& entry, std::span<const OpCheck> checks, Device device) {
  OpReport report;
  report.name = entry.name();
  try {
    check_supported(entry, kFloat32, device);
  } catch (const Error& error) {
    report.unsupported = error.what();
    return report;
  }
  Generator generator(seed_of(entry.name()));
  const std::vector<OpSample> samples = entry.samples(generator);
  report.samples = static_cast<int>(samples.size());
  Generator grad_generator(seed_of(entry.name()) + 1);
  for (const OpSample& sample : samples) {
    if (wants(checks, OpCheck::Forward)) {
      report.forward.ran = true;
      check_forward(entry, sample, device, report.forward);
    }
    for (OpCheck check : {OpCheck::Gradcheck, OpCheck::Gradgradcheck}) {
      if (!wants(checks, check)) continue;
      CheckOutcome& outcome = check == OpCheck::Gradcheck ? report.gradcheck : report.gradgradcheck;
      outcome.ran = true;
      check_derivatives(entry, sample, device, check, outcome);
    }
    if (wants(checks, OpCheck::Parity) && !device.is_cpu()) {
      report.parity.ran = true;
      ++report.parity.cases;
      const std::string error =
          compare_with_cpu(sample, kFloat64, device, {1e-12, 1e-10}, {1e-12, 1e-9}, grad_generator,
                           &report.parity.worst_error);
      if (!error.empty()) record_failure(report.parity, sample_name(sample), error);
    }
  }
  if (wants(checks, OpCheck::BadInputs) && device.is_cpu()) {
    for (const BadInput& row : entry.bad_inputs) {
      report.bad_inputs.ran = true;
      ++report.bad_inputs.cases;
      const std::string failure = check_bad_input(row);
      if (!failure.empty()) record_failure(report.bad_inputs, row.name, failure);
    }
  }
  return report;
}

}  // namespace kiln::autograd
