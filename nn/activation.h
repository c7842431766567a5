#pragma once

// Activation and reshaping modules, each the function of the same name.
#include "nn/containers.h"

namespace kiln::nn {

class ReLU : public UnaryModule {
 public:
  ReLU() : UnaryModule("ReLU") {}
  Tensor forward(const Tensor& input) override;
};

class LeakyReLU : public UnaryModule {
 public:
  explicit LeakyReLU(double negative_slope = 0.01)
      : UnaryModule("LeakyReLU"), negative_slope_(negative_slope) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  double negative_slope_;
};

class GELU : public UnaryModule {
 public:
  explicit GELU(GeluApproximation approximation = GeluApproximation::Erf)
      : UnaryModule("GELU"), approximation_(approximation) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  GeluApproximation approximation_;
};

class SiLU : public UnaryModule {
 public:
  SiLU() : UnaryModule("SiLU") {}
  Tensor forward(const Tensor& input) override;
};

class Tanh : public UnaryModule {
 public:
  Tanh() : UnaryModule("Tanh") {}
  Tensor forward(const Tensor& input) override;
};

class Sigmoid : public UnaryModule {
 public:
  Sigmoid() : UnaryModule("Sigmoid") {}
  Tensor forward(const Tensor& input) override;
};

class Softplus : public UnaryModule {
 public:
  explicit Softplus(double beta = 1, double threshold = 20)
      : UnaryModule("Softplus"), beta_(beta), threshold_(threshold) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  double beta_, threshold_;
};

class ELU : public UnaryModule {
 public:
  explicit ELU(double alpha = 1) : UnaryModule("ELU"), alpha_(alpha) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  double alpha_;
};

class CELU : public UnaryModule {
 public:
  explicit CELU(double alpha = 1) : UnaryModule("CELU"), alpha_(alpha) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  double alpha_;
};

class SELU : public UnaryModule {
 public:
  SELU() : UnaryModule("SELU") {}
  Tensor forward(const Tensor& input) override;
};

class Hardtanh : public UnaryModule {
 public:
  explicit Hardtanh(double min_val = -1, double max_val = 1)
      : UnaryModule("Hardtanh"), min_val_(min_val), max_val_(max_val) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  double min_val_, max_val_;
};

class Hardsigmoid : public UnaryModule {
 public:
  Hardsigmoid() : UnaryModule("Hardsigmoid") {}
  Tensor forward(const Tensor& input) override;
};

class Hardswish : public UnaryModule {
 public:
  Hardswish() : UnaryModule("Hardswish") {}
  Tensor forward(const Tensor& input) override;
};

class Mish : public UnaryModule {
 public:
  Mish() : UnaryModule("Mish") {}
  Tensor forward(const Tensor& input) override;
};

class LogSigmoid : public UnaryModule {
 public:
  LogSigmoid() : UnaryModule("LogSigmoid") {}
  Tensor forward(const Tensor& input) override;
};

class Softsign : public UnaryModule {
 public:
  Softsign() : UnaryModule("Softsign") {}
  Tensor forward(const Tensor& input) override;
};

class GLU : public UnaryModule {
 public:
  explicit GLU(int64_t dim = -1) : UnaryModule("GLU"), dim_(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  int64_t dim_;
};

class ReLU6 : public UnaryModule {
 public:
  ReLU6() : UnaryModule("ReLU6") {}
  Tensor forward(const Tensor& input) override;
};

class Hardshrink : public UnaryModule {
 public:
  explicit Hardshrink(double lambd = 0.5) : UnaryModule("Hardshrink"), lambd_(lambd) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  double lambd_;
};

class Softshrink : public UnaryModule {
 public:
  explicit Softshrink(double lambd = 0.5) : UnaryModule("Softshrink"), lambd_(lambd) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  double lambd_;
};

class Tanhshrink : public UnaryModule {
 public:
  Tanhshrink() : UnaryModule("Tanhshrink") {}
  Tensor forward(const Tensor& input) override;
};

class Threshold : public UnaryModule {
 public:
  Threshold(double threshold, double value)
      : UnaryModule("Threshold"), threshold_(threshold), value_(value) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  double threshold_, value_;
};

// prelu with a learned slope: one, or one per channel, starting at `init`.
class PReLU : public UnaryModule {
 public:
  explicit PReLU(int64_t num_parameters = 1, double init = 0.25);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  Tensor weight;
};

class Identity : public UnaryModule {
 public:
  Identity() : UnaryModule("Identity") {}
  Tensor forward(const Tensor& input) override;
};

class Softmin : public UnaryModule {
 public:
  explicit Softmin(int64_t dim) : UnaryModule("Softmin"), dim_(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  int64_t dim_;
};

class LogSoftmax : public UnaryModule {
 public:
  explicit LogSoftmax(int64_t dim) : UnaryModule("LogSoftmax"), dim_(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  int64_t dim_;
};

class Softmax : public UnaryModule {
 public:
  explicit Softmax(int64_t dim) : UnaryModule("Softmax"), dim_(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  int64_t dim_;
};

// Merges dims start_dim..end_dim into one.
class Flatten : public UnaryModule {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1)
      : UnaryModule("Flatten"), start_dim_(start_dim), end_dim_(end_dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  int64_t start_dim_, end_dim_;
};

// Splits dim into `sizes`.
class Unflatten : public UnaryModule {
 public:
  Unflatten(int64_t dim, Shape sizes) : UnaryModule("Unflatten"), dim_(dim), sizes_(sizes) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

 private:
  int64_t dim_;
  Shape sizes_;
};

}  // namespace kiln::nn
