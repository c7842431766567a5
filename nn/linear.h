#pragma once

#include "nn/containers.h"

namespace kiln::nn {

// y = x W^T + b; W and b drawn from U(-1/sqrt(in), 1/sqrt(in)), PyTorch's default.
class Linear : public UnaryModule {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  Tensor weight;  // [out, in]
  Tensor bias;    // [out], undefined without bias

 private:
  int64_t in_features_, out_features_;
};

// y = x1^T A x2 + b per output feature; A [out, in1, in2] and b from U(-1/sqrt(in1), ...).
class Bilinear : public Module {
 public:
  Bilinear(int64_t in1_features, int64_t in2_features, int64_t out_features, bool bias = true);
  Tensor forward(const Tensor& input1, const Tensor& input2);
  std::string extra_repr() const override;

  Tensor weight;
  Tensor bias;
};

}  // namespace kiln::nn
