#pragma once

// Convolution, transposed convolution, pooling and unpooling layers over 1 or 2 spatial
// dims, with PyTorch's parameter names, shapes and default initialisation.
#include "nn/containers.h"
#include "nn/conv_functional.h"

namespace kiln::nn {

// Conv1d / Conv2d: weight [C_out, C_in / groups, *kernel], bias [C_out].
class Conv : public UnaryModule {
 public:
  Conv(int spatial_dims, int64_t in_channels, int64_t out_channels,
       std::vector<int64_t> kernel_size, functional::ConvOptions options = {}, bool bias = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  Tensor weight, bias;

 private:
  functional::ConvOptions options_;
};

class Conv1d : public Conv {
 public:
  Conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
         functional::ConvOptions options = {}, bool bias = true)
      : Conv(1, in_channels, out_channels, {kernel_size}, std::move(options), bias) {}
};

class Conv2d : public Conv {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, std::vector<int64_t> kernel_size,
         functional::ConvOptions options = {}, bool bias = true)
      : Conv(2, in_channels, out_channels, std::move(kernel_size), std::move(options), bias) {}
};

// ConvTranspose1d / 2d: weight [C_in, C_out / groups, *kernel], bias [C_out].
class ConvTranspose : public UnaryModule {
 public:
  ConvTranspose(int spatial_dims, int64_t in_channels, int64_t out_channels,
                std::vector<int64_t> kernel_size, functional::ConvTransposeOptions options = {},
                bool bias = true);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  Tensor weight, bias;

 private:
  functional::ConvTransposeOptions options_;
};

class ConvTranspose1d : public ConvTranspose {
 public:
  ConvTranspose1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                  functional::ConvTransposeOptions options = {}, bool bias = true)
      : ConvTranspose(1, in_channels, out_channels, {kernel_size}, std::move(options), bias) {}
};

class ConvTranspose2d : public ConvTranspose {
 public:
  ConvTranspose2d(int64_t in_channels, int64_t out_channels, std::vector<int64_t> kernel_size,
                  functional::ConvTransposeOptions options = {}, bool bias = true)
      : ConvTranspose(2, in_channels, out_channels, std::move(kernel_size), std::move(options),
                      bias) {}
};

// MaxPool1d/2d and AvgPool1d/2d: options.kernel has one entry per spatial dim.
class MaxPool : public UnaryModule {
 public:
  explicit MaxPool(functional::PoolOptions options)
      : UnaryModule(options.kernel.size() == 1 ? "MaxPool1d" : "MaxPool2d"),
        options_(std::move(options)) {}
  Tensor forward(const Tensor& input) override { return functional::max_pool(input, options_); }
  // The values and their int64 indices into each input plane (PyTorch's return_indices=True),
  // for MaxUnpool.
  std::pair<Tensor, Tensor> forward_with_indices(const Tensor& input) {
    return functional::max_pool_with_indices(input, options_);
  }

 private:
  functional::PoolOptions options_;
};

// MaxUnpool1d / 2d: the values written at their indices into zeros (functional::max_unpool).
class MaxUnpool : public Module {
 public:
  explicit MaxUnpool(functional::UnpoolOptions options)
      : Module(options.kernel.size() == 1 ? "MaxUnpool1d" : "MaxUnpool2d"),
        options_(std::move(options)) {}
  // output_size, when given, replaces the options' (spatial sizes, or [N, C, *spatial]).
  Tensor forward(const Tensor& input, const Tensor& indices,
                 const std::vector<int64_t>& output_size = {});

 private:
  functional::UnpoolOptions options_;
};

class AvgPool : public UnaryModule {
 public:
  explicit AvgPool(functional::PoolOptions options)
      : UnaryModule(options.kernel.size() == 1 ? "AvgPool1d" : "AvgPool2d"),
        options_(std::move(options)) {}
  Tensor forward(const Tensor& input) override { return functional::avg_pool(input, options_); }

 private:
  functional::PoolOptions options_;
};

class AdaptiveAvgPool : public UnaryModule {
 public:
  explicit AdaptiveAvgPool(std::vector<int64_t> output_size)
      : UnaryModule(output_size.size() == 1 ? "AdaptiveAvgPool1d" : "AdaptiveAvgPool2d"),
        output_size_(std::move(output_size)) {}
  Tensor forward(const Tensor& input) override {
    return functional::adaptive_avg_pool(input, output_size_);
  }

 private:
  std::vector<int64_t> output_size_;
};

}  // namespace kiln::nn
