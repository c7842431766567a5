#pragma once

#include <optional>

#include "nn/containers.h"

namespace kiln::nn {

// Normalises over the trailing dims of normalized_shape (Ba et al. 2016), with an
// elementwise affine weight (ones) and bias (zeros) unless disabled.
class LayerNorm : public UnaryModule {
 public:
  explicit LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true,
                     bool bias = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  Tensor weight, bias;

 private:
  Shape normalized_shape_;
  double eps_;
};

// x / sqrt(mean(x^2) + eps) * weight over the trailing dims (Zhang & Sennrich 2019).
class RMSNorm : public UnaryModule {
 public:
  explicit RMSNorm(Shape normalized_shape, std::optional<double> eps = std::nullopt,
                   bool elementwise_affine = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  Tensor weight;

 private:
  Shape normalized_shape_;
  std::optional<double> eps_;
};

// Group normalisation (Wu & He 2018): channels in num_groups groups, each normalised over its
// channels and positions; an affine weight (ones) and bias (zeros) per channel unless disabled.
class GroupNorm : public UnaryModule {
 public:
  GroupNorm(int64_t num_groups, int64_t num_channels, double eps = 1e-5, bool affine = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  Tensor weight, bias;

 private:
  int64_t num_groups_, num_channels_;
  double eps_;
};

}  // namespace kiln::nn
