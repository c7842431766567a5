// gradcheck and gradgradcheck: the analytic Jacobian, row by row (one backward per output
// element) or as projections u^T J v, against central differences
// (f(x + eps e_j) - f(x - eps e_j)) / 2 eps.
#include "autograd/gradcheck.h"

#include <cmath>
#include <sstream>

#include "autograd/engine.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/memory.h"
#include "tensor/op_support.h"
#include "tensor/ops.h"
#include "tensor/random.h"

namespace kiln {

namespace {

// The address of element `index` (row-major order) of x, which may be strided.
double* element(const Tensor& x, int64_t index) {
  int64_t offset = 0;
  for (int d = x.dim() - 1; d >= 0; --d) {
    offset += (index % x.shape()[d]) * x.strides()[d];
    index /= x.shape()[d];
  }
  return x.data<double>() + offset;
}

std::string position(const Shape& shape, int64_t index) {
  Shape at = shape;
  for (int d = shape.size() - 1; d >= 0; --d) {
    at[d] = index % shape[d];
    index /= shape[d];
  }
  std::ostringstream out;
  out << at;
  return out.str();
}

class Checker {
 public:
  Checker(const DifferentiableFunction& f, const std::vector<Tensor>& inputs,
          const GradcheckOptions& options)
      : f_(f), inputs_(inputs), options_(options) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].defined() || !inputs[i].requires_grad()) continue;
      const Tensor& x = inputs[i];
      KILN_CHECK(x.dtype() == kFloat64, "gradcheck: input ", i, " is ", x.dtype(),
                 "; gradients are checked in float64 (convert with .to(kFloat64))");
      KILN_CHECK(x.device().is_cpu(), "gradcheck: input ", i, " is on ", x.device(),
                 "; central differences run on the CPU");
      detail::check_writable("gradcheck", x);
      differentiable_.push_back(i);
    }
    KILN_CHECK(!differentiable_.empty(), "gradcheck: no input requires grad");
  }

  GradcheckResult run();

 private:
  Tensor evaluate() const {
    NoGradGuard no_grad;
    return f_(inputs_);
  }
  std::vector<double> evaluate_values() const { return evaluate().to_vector<double>(); }
  // Gradients for output gradient u, undefined ones as zeros; checks dtype and shape.
  std::vector<Tensor> analytic(const Tensor& output, const Tensor& u);
  void compare(double analytic, double numerical, const std::string& where);
  void check_full(const Tensor& output);
  void check_projections(const Tensor& output);
  void check_backward_contracts(const Tensor& output);
  void fail(const std::string& why) {
    if (result_.passed) result_.message = why;
    result_.passed = false;
  }

  const DifferentiableFunction& f_;
  const std::vector<Tensor>& inputs_;
  const GradcheckOptions& options_;
  std::vector<size_t> differentiable_;
  GradcheckResult result_;
  double worst_excess_ = 0;
};

std::vector<Tensor> Checker::analytic(const Tensor& output, const Tensor& u) {
  std::vector<Tensor> targets;
  for (size_t i : differentiable_) targets.push_back(inputs_[i]);
  std::vector<Tensor> grads;
  if (output.requires_grad()) {
    PoisonNewAllocations poison;
    grads = grad({output}, targets, {u}, true, false, true);
  } else {
    grads.resize(targets.size());
  }
  for (size_t k = 0; k < grads.size(); ++k) {
    const Tensor& x = targets[k];
    if (!grads[k].defined()) {
      grads[k] = zeros(x.shape(), {.dtype = kFloat64});
      continue;
    }
    if (grads[k].dtype() != x.dtype() || grads[k].shape() != x.shape()) {
      std::ostringstream why;
      why << "gradcheck: the gradient for input " << differentiable_[k] << " has shape "
          << grads[k].shape() << " and dtype " << grads[k].dtype() << ", but the input has shape "
          << x.shape() << " and dtype " << x.dtype();
      fail(why.str());
      grads[k] = zeros(x.shape(), {.dtype = kFloat64});
    }
  }
  return grads;
}

void Checker::compare(double analytic, double numerical, const std::string& where) {
  const double error = std::abs(analytic - numerical);
  const double allowed = options_.atol + options_.rtol * std::abs(numerical);
  result_.worst_error = std::max(result_.worst_error, std::isnan(error) ? INFINITY : error);
  const double excess = std::isnan(error) ? INFINITY : error - allowed;
  if (excess <= 0 || excess <= worst_excess_) return;
  worst_excess_ = excess;
  std::ostringstream why;
  why.precision(10);
  why << "gradcheck: Jacobian mismatch at " << where << ": analytic " << analytic << ", numerical "
      << numerical << " (|difference| " << error << " > atol " << options_.atol << " + rtol "
      << options_.rtol << " * |numerical|)";
  result_.passed = false;
  result_.message = why.str();
}

void Checker::check_full(const Tensor& output) {
  const int64_t outputs = output.numel();
  // Numerical Jacobian, one input element (column) at a time.
  std::vector<std::vector<std::vector<double>>> numerical;  // [input][element][output]
  for (size_t i : differentiable_) {
    const Tensor& x = inputs_[i];
    auto& columns = numerical.emplace_back(x.numel());
    for (int64_t j = 0; j < x.numel(); ++j) {
      double* value = element(x, j);
      const double original = *value;
      *value = original + options_.eps;
      const std::vector<double> plus = evaluate_values();
      *value = original - options_.eps;
      const std::vector<double> minus = evaluate_values();
      *value = original;
      columns[j].resize(outputs);
      for (int64_t k = 0; k < outputs; ++k) {
        columns[j][k] = (plus[k] - minus[k]) / (2 * options_.eps);
      }
    }
  }
  // Analytic Jacobian, one output element (row) at a time.
  for (int64_t k = 0; k < outputs; ++k) {
    Tensor u = zeros(output.shape(), {.dtype = kFloat64});
    *element(u, k) = 1;
    const std::vector<Tensor> grads = analytic(output, u);
    for (size_t n = 0; n < differentiable_.size(); ++n) {
      const std::vector<double> row = grads[n].to_vector<double>();
      for (size_t j = 0; j < row.size(); ++j) {
        compare(row[j], numerical[n][j][k],
                "input " + std::to_string(differentiable_[n]) + " element " +
                    position(inputs_[differentiable_[n]].shape(), j) + ", output element " +
                    position(output.shape(), k));
      }
    }
  }
}

void Checker::check_projections(const Tensor& output) {
  Generator generator(options_.seed);
  for (int p = 0; p < options_.projections; ++p) {
    const Tensor u = randn(output.shape(), {.dtype = kFloat64}, &generator);
    std::vector<Tensor> directions;
    for (size_t i : differentiable_) {
      directions.push_back(randn(inputs_[i].shape(), {.dtype = kFloat64}, &generator));
    }
    const std::vector<Tensor> grads = analytic(output, u);
    double projected = 0;
    for (size_t n = 0; n < grads.size(); ++n) {
      projected += (grads[n] * directions[n]).sum().item<double>();
    }
    std::vector<std::vector<double>> originals;
    for (size_t i : differentiable_) originals.push_back(inputs_[i].to_vector<double>());
    // Sets each input to original + step * direction (step 0 restores it exactly).
    auto shift = [&](double step) {
      for (size_t n = 0; n < differentiable_.size(); ++n) {
        const Tensor& x = inputs_[differentiable_[n]];
        const std::vector<double> v = directions[n].to_vector<double>();
        for (int64_t j = 0; j < x.numel(); ++j) *element(x, j) = originals[n][j] + step * v[j];
      }
    };
    shift(options_.eps);
    const std::vector<double> plus = evaluate_values();
    shift(-options_.eps);
    const std::vector<double> minus = evaluate_values();
    shift(0);
    const std::vector<double> weights = u.to_vector<double>();
    double numerical = 0;
    for (size_t k = 0; k < weights.size(); ++k) {
      numerical += weights[k] * (plus[k] - minus[k]) / (2 * options_.eps);
    }
    compare(projected, numerical, "random projection " + std::to_string(p));
  }
}

void Checker::check_backward_contracts(const Tensor& output) {
  if (!output.requires_grad() || output.numel() == 0) return;
  Generator generator(options_.seed + 1);
  const Tensor u = randn(output.shape(), {.dtype = kFloat64}, &generator);
  const std::vector<Tensor> first = analytic(output, u);
  const std::vector<Tensor> second = analytic(output, u);
  for (size_t n = 0; n < first.size(); ++n) {
    if (!raw::all(raw::eq(first[n], second[n])).item<bool>()) {
      fail(
          "gradcheck: backward is not reentrant: a second backward with the same output "
          "gradient gave a different gradient for input " +
          std::to_string(differentiable_[n]));
    }
  }
  // backward() must add into grad() rather than overwrite it.
  std::vector<Tensor> saved_grads;
  std::vector<Tensor> preset;
  for (size_t n = 0; n < differentiable_.size(); ++n) {
    const Tensor& x = inputs_[differentiable_[n]];
    saved_grads.push_back(x.grad());
    preset.push_back(randn(x.shape(), {.dtype = kFloat64}, &generator));
    x.set_grad(preset.back().clone());
  }
  backward({output}, {u}, true);
  for (size_t n = 0; n < differentiable_.size(); ++n) {
    const Tensor& x = inputs_[differentiable_[n]];
    const Tensor expected = raw::add(preset[n], first[n]);
    const Tensor actual = x.grad();
    if (!actual.defined() || !raw::all(raw::eq(actual, expected)).item<bool>()) {
      fail("gradcheck: backward overwrote the existing grad() of input " +
           std::to_string(differentiable_[n]) + " instead of adding to it");
    }
    x.set_grad(saved_grads[n]);
  }
}

GradcheckResult Checker::run() {
  Tensor output;
  {
    EnableGradGuard enable;
    output = f_(inputs_);
  }
  KILN_CHECK(output.defined(), "gradcheck: the function returned an undefined tensor");
  KILN_CHECK(output.dtype() == kFloat64, "gradcheck: the function's output is ", output.dtype(),
             "; gradients are checked in float64");
  int64_t entries = 0;
  for (size_t i : differentiable_) entries += inputs_[i].numel() * output.numel();
  if (entries <= options_.max_jacobian_entries) {
    check_full(output);
  } else {
    check_projections(output);
  }
  check_backward_contracts(output);
  return result_;
}

}  // namespace

GradcheckResult gradcheck(const DifferentiableFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  return Checker(f, inputs, options).run();
}

GradcheckResult gradgradcheck(const DifferentiableFunction& f, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options) {
  std::vector<size_t> differentiable;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].defined() && inputs[i].requires_grad()) differentiable.push_back(i);
  }
  KILN_CHECK(!differentiable.empty(), "gradgradcheck: no input requires grad");
  Shape output_shape;
  {
    NoGradGuard no_grad;
    output_shape = f(inputs).shape();
  }
  Generator generator(options.seed + 2);
  std::vector<Tensor> extended = inputs;
  extended.push_back(randn(output_shape, {.dtype = kFloat64}, &generator).requires_grad_());
  const DifferentiableFunction gradient_of_f = [&](const std::vector<Tensor>& args) {
    const std::vector<Tensor> originals(args.begin(), args.end() - 1);
    // Under gradcheck's numerical evaluation grad mode is off; the gradients' values are
    // still needed, just not their graph.
    const bool recording = GradMode::is_enabled();
    EnableGradGuard enable;
    const Tensor output = f(originals);
    std::vector<Tensor> targets;
    for (size_t i : differentiable) targets.push_back(originals[i]);
    std::vector<Tensor> grads(targets.size());
    if (output.requires_grad())
      grads = grad({output}, targets, {args.back()}, true, recording, true);
    std::vector<Tensor> flat;
    for (size_t n = 0; n < grads.size(); ++n) {
      flat.push_back(grads[n].defined() ? grads[n].reshape({-1})
                                        : zeros({targets[n].numel()}, {.dtype = kFloat64}));
    }
    return cat(flat);
  };
  return gradcheck(gradient_of_f, extended, options);
}

}  // namespace kiln
