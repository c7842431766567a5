#include "autograd/registry/op_verify.h"

#include <algorithm>
#include <cmath>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"

namespace kiln::autograd {

namespace {

uint64_t seed_of(std::string_view name) {
  uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return hash;
}

void record_failure(CheckOutcome& outcome, const OpSample& sample, const std::string& why) {
  if (outcome.passed) outcome.message = "sample \"" + sample.label + "\": " + why;
  outcome.passed = false;
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
    record_failure(outcome, sample, "float32 result has a different shape");
    return;
  }
  const std::vector<double> expected = reference.to_vector<double>();
  const std::vector<double> actual = result.to_vector<double>();
  for (size_t i = 0; i < expected.size(); ++i) {
    const double error = std::abs(actual[i] - expected[i]);
    outcome.worst_error = std::max(outcome.worst_error, error);
    if (!(error <= entry.forward_atol + entry.forward_rtol * std::abs(expected[i]))) {
      record_failure(outcome, sample,
                     "element " + std::to_string(i) + ": float32 " + std::to_string(actual[i]) +
                         ", float64 " + std::to_string(expected[i]));
    }
  }
}

}  // namespace

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
  auto wants = [&](OpCheck check) { return std::ranges::find(checks, check) != checks.end(); };
  for (const OpSample& sample : samples) {
    if (wants(OpCheck::Forward)) {
      report.forward.ran = true;
      check_forward(entry, sample, device, report.forward);
    }
    for (OpCheck check : {OpCheck::Gradcheck, OpCheck::Gradgradcheck}) {
      if (!wants(check)) continue;
      CheckOutcome& outcome = check == OpCheck::Gradcheck ? report.gradcheck : report.gradgradcheck;
      outcome.ran = true;
      const GradcheckResult result =
          check == OpCheck::Gradcheck ? gradcheck(sample.call, sample.inputs, entry.tolerances)
                                      : gradgradcheck(sample.call, sample.inputs, entry.tolerances);
      outcome.worst_error = std::max(outcome.worst_error, result.worst_error);
      if (!result.passed) record_failure(outcome, sample, result.message);
    }
  }
  return report;
}

}  // namespace kiln::autograd
