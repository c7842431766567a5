#pragma once

// Initialisers, as torch.nn.init: each fills a tensor in place (outside autograd) with
// values drawn from `generator` (the default generator when null) and returns it.
#include <optional>
#include <string>

#include "tensor/random.h"
#include "tensor/tensor.h"

namespace kiln::nn::init {

enum class FanMode { FanIn, FanOut };

// fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (dims 2.. are the
// receptive field, as for conv weights).
std::pair<int64_t, int64_t> fans(const Tensor& tensor);
// The recommended gain for a nonlinearity: "linear", "sigmoid", "tanh", "relu",
// "leaky_relu" (with `param` as the negative slope, default 0.01), "selu".
double calculate_gain(const std::string& nonlinearity, std::optional<double> param = std::nullopt);

Tensor uniform_(const Tensor& tensor, double low = 0, double high = 1,
                Generator* generator = nullptr);
Tensor normal_(const Tensor& tensor, double mean = 0, double std = 1,
               Generator* generator = nullptr);
// Normal values redrawn until they fall in [low, high].
Tensor trunc_normal_(const Tensor& tensor, double mean = 0, double std = 1, double low = -2,
                     double high = 2, Generator* generator = nullptr);
Tensor constant_(const Tensor& tensor, double value);
Tensor zeros_(const Tensor& tensor);
Tensor ones_(const Tensor& tensor);
// Glorot & Bengio 2010: U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)); or N(0, std),
// std = gain sqrt(2 / (fan_in + fan_out)).
Tensor xavier_uniform_(const Tensor& tensor, double gain = 1, Generator* generator = nullptr);
Tensor xavier_normal_(const Tensor& tensor, double gain = 1, Generator* generator = nullptr);
// He et al. 2015: bound = gain sqrt(3 / fan), std = gain / sqrt(fan), gain from
// `nonlinearity` with negative slope `a`.
Tensor kaiming_uniform_(const Tensor& tensor, double a = 0, FanMode mode = FanMode::FanIn,
                        const std::string& nonlinearity = "leaky_relu",
                        Generator* generator = nullptr);
Tensor kaiming_normal_(const Tensor& tensor, double a = 0, FanMode mode = FanMode::FanIn,
                       const std::string& nonlinearity = "leaky_relu",
                       Generator* generator = nullptr);
// Saxe et al. 2013: a (semi-)orthogonal matrix (rows flattened past dim 0) from the QR
// factorisation of a normal matrix, scaled by gain.
Tensor orthogonal_(const Tensor& tensor, double gain = 1, Generator* generator = nullptr);

}  // namespace kiln::nn::init
