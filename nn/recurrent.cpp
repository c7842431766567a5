#include "nn/recurrent.h"

#include <cmath>

#include "autograd/functions.h"
#include "nn/functional.h"
#include "nn/init.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

int64_t gate_count(RecurrentMode mode) {
  return mode == RecurrentMode::Lstm ? 4 : mode == RecurrentMode::Gru ? 3 : 1;
}

const char* mode_name(RecurrentMode mode) {
  switch (mode) {
    case RecurrentMode::RnnTanh:
    case RecurrentMode::RnnRelu:
      return "RNN";
    case RecurrentMode::Lstm:
      return "LSTM";
    case RecurrentMode::Gru:
      return "GRU";
  }
  return "?";
}

// All parameters from U(-1/sqrt(H), 1/sqrt(H)), as PyTorch.
Tensor uniform_weight(const Shape& shape, int64_t hidden_size) {
  const double bound = 1 / std::sqrt(static_cast<double>(hidden_size));
  return init::uniform_(empty(shape), -bound, bound);
}

struct Step {
  Tensor h, c;
};

// One time step from the input's share of the gates (x W_ih^T + b_ih, precomputed for all
// steps at once) and the previous state.
Step step(RecurrentMode mode, const Tensor& input_gates, const Step& state, const Tensor& weight_hh,
          const Tensor& bias_hh) {
  const Tensor hidden_gates = functional::linear(state.h, weight_hh, bias_hh);
  switch (mode) {
    case RecurrentMode::RnnTanh:
      return {tanh(input_gates + hidden_gates), {}};
    case RecurrentMode::RnnRelu:
      return {relu(input_gates + hidden_gates), {}};
    case RecurrentMode::Lstm: {
      const std::vector<Tensor> g = (input_gates + hidden_gates).chunk(4, -1);
      const Tensor c = sigmoid(g[1]) * state.c + sigmoid(g[0]) * tanh(g[2]);
      return {sigmoid(g[3]) * tanh(c), c};
    }
    case RecurrentMode::Gru: {
      const std::vector<Tensor> x = input_gates.chunk(3, -1);
      const std::vector<Tensor> h = hidden_gates.chunk(3, -1);
      const Tensor r = sigmoid(x[0] + h[0]);
      const Tensor z = sigmoid(x[1] + h[1]);
      const Tensor n = tanh(x[2] + r * h[2]);
      return {(1 - z) * n + z * state.h, {}};
    }
  }
  return {};
}

}  // namespace

RecurrentBase::RecurrentBase(RecurrentMode mode, int64_t input_size, int64_t hidden_size,
                             RecurrentOptions options)
    : Module(mode_name(mode)),
      mode_(mode),
      input_size_(input_size),
      hidden_size_(hidden_size),
      options_(options) {
  KILN_CHECK(input_size > 0 && hidden_size > 0 && options.num_layers > 0, type_name(),
             ": sizes and num_layers must be positive");
  KILN_CHECK(options.dropout >= 0 && options.dropout <= 1, type_name(),
             ": dropout must be in [0, 1]");
  const int64_t gates = gate_count(mode) * hidden_size;
  const int directions = options.bidirectional ? 2 : 1;
  for (int64_t layer = 0; layer < options.num_layers; ++layer) {
    const int64_t layer_input = layer == 0 ? input_size : hidden_size * directions;
    for (int direction = 0; direction < directions; ++direction) {
      const std::string suffix = "_l" + std::to_string(layer) + (direction ? "_reverse" : "");
      register_parameter("weight_ih" + suffix, uniform_weight({gates, layer_input}, hidden_size));
      register_parameter("weight_hh" + suffix, uniform_weight({gates, hidden_size}, hidden_size));
      if (options.bias) {
        register_parameter("bias_ih" + suffix, uniform_weight({gates}, hidden_size));
        register_parameter("bias_hh" + suffix, uniform_weight({gates}, hidden_size));
      }
    }
  }
}

RecurrentResult RecurrentBase::forward(const Tensor& input, const Tensor& h0, const Tensor& c0) {
  KILN_CHECK(input.dim() == 2 || input.dim() == 3, type_name(), ": input must be [L, N, I], ",
             "[N, L, I] with batch_first, or [L, I], got ", input.shape());
  const bool batched = input.dim() == 3;
  // Time-major and batched from here: [L, N, I].
  Tensor x = !batched ? input.unsqueeze(1) : options_.batch_first ? input.transpose(0, 1) : input;
  KILN_CHECK(x.size(2) == input_size_, type_name(), ": input has ", x.size(2),
             " features, expected ", input_size_);
  const int64_t steps = x.size(0), batch = x.size(1);
  const int directions = options_.bidirectional ? 2 : 1;
  const Shape state_shape = {options_.num_layers * directions, batch, hidden_size_};
  auto initial = [&](const Tensor& given, const char* name) {
    if (!given.defined()) return zeros(state_shape, {.dtype = x.dtype(), .device = x.device()});
    const Tensor state = batched ? given : given.unsqueeze(1);
    KILN_CHECK(state.shape() == state_shape, type_name(), ": ", name, " of shape ", given.shape(),
               " does not match ", state_shape);
    return state;
  };
  const bool lstm = mode_ == RecurrentMode::Lstm;
  const Tensor h_initial = initial(h0, "h0");
  const Tensor c_initial = lstm ? initial(c0, "c0") : Tensor();
  const auto parameters = named_parameters();
  auto parameter = [&](const std::string& name) {
    for (const auto& [key, value] : parameters) {
      if (key == name) return value;
    }
    return Tensor();
  };
  std::vector<Tensor> h_final, c_final;
  for (int64_t layer = 0; layer < options_.num_layers; ++layer) {
    std::vector<Tensor> direction_outputs;
    for (int direction = 0; direction < directions; ++direction) {
      const std::string suffix = "_l" + std::to_string(layer) + (direction ? "_reverse" : "");
      const Tensor input_gates =
          functional::linear(x, parameter("weight_ih" + suffix), parameter("bias_ih" + suffix));
      const int64_t index = layer * directions + direction;
      Step state{h_initial.select(0, index), lstm ? c_initial.select(0, index) : Tensor()};
      std::vector<Tensor> outputs(steps);
      for (int64_t i = 0; i < steps; ++i) {
        const int64_t t = direction == 0 ? i : steps - 1 - i;
        state = step(mode_, input_gates.select(0, t), state, parameter("weight_hh" + suffix),
                     parameter("bias_hh" + suffix));
        outputs[t] = state.h;
      }
      direction_outputs.push_back(stack(outputs, 0));
      h_final.push_back(state.h);
      if (lstm) c_final.push_back(state.c);
    }
    x = directions == 1 ? direction_outputs[0] : cat(direction_outputs, -1);
    if (layer + 1 < options_.num_layers)
      x = functional::dropout(x, options_.dropout, is_training());
  }
  RecurrentResult result{
      .output = x, .h_n = stack(h_final, 0), .c_n = lstm ? stack(c_final, 0) : Tensor()};
  if (!batched) {
    result.output = result.output.squeeze(1);
    result.h_n = result.h_n.squeeze(1);
    if (lstm) result.c_n = result.c_n.squeeze(1);
  } else if (options_.batch_first) {
    result.output = result.output.transpose(0, 1);
  }
  return result;
}

std::string RecurrentBase::extra_repr() const {
  return std::to_string(input_size_) + ", " + std::to_string(hidden_size_) +
         ", num_layers=" + std::to_string(options_.num_layers) +
         (options_.batch_first ? ", batch_first=true" : "") +
         (options_.bidirectional ? ", bidirectional=true" : "");
}

RecurrentCell::RecurrentCell(RecurrentMode mode, int64_t input_size, int64_t hidden_size, bool bias)
    : Module(std::string(mode_name(mode)) + "Cell"), mode_(mode), hidden_size_(hidden_size) {
  const int64_t gates = gate_count(mode) * hidden_size;
  weight_ih = register_parameter("weight_ih", uniform_weight({gates, input_size}, hidden_size));
  weight_hh = register_parameter("weight_hh", uniform_weight({gates, hidden_size}, hidden_size));
  if (bias) {
    bias_ih = register_parameter("bias_ih", uniform_weight({gates}, hidden_size));
    bias_hh = register_parameter("bias_hh", uniform_weight({gates}, hidden_size));
  }
}

std::pair<Tensor, Tensor> RecurrentCell::forward(const Tensor& input, const Tensor& h,
                                                 const Tensor& c) {
  KILN_CHECK(input.dim() == 1 || input.dim() == 2, type_name(),
             ": input must be [N, I] or [I], got ", input.shape());
  const bool batched = input.dim() == 2;
  const Tensor x = batched ? input : input.unsqueeze(0);
  auto state = [&](const Tensor& given) {
    if (!given.defined())
      return zeros({x.size(0), hidden_size_}, {.dtype = x.dtype(), .device = x.device()});
    return batched ? given : given.unsqueeze(0);
  };
  const Step next =
      step(mode_, functional::linear(x, weight_ih, bias_ih),
           {state(h), mode_ == RecurrentMode::Lstm ? state(c) : Tensor()}, weight_hh, bias_hh);
  if (batched) return {next.h, next.c};
  return {next.h.squeeze(0), next.c.defined() ? next.c.squeeze(0) : Tensor()};
}

}  // namespace kiln::nn
