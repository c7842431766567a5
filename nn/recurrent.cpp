#include "nn/recurrent.h"

#include <cmath>

#include "autograd/functions.h"
#include "nn/functional.h"
#include "nn/init.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"
#include "tensor/ops_lstm_cell_pointwise.h"

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
      const LstmCellState next = lstm_cell_pointwise(input_gates, hidden_gates, state.c);
      return {next.h, next.c};
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

// The parameters of one layer in one direction (weight_hr: LSTM with projections only).
struct DirectionWeights {
  Tensor weight_ih, weight_hh, bias_ih, bias_hh, weight_hr;
};

// One layer in one direction over every step of x [L, N, I]: the outputs [L, N, H_out] and
// the last state.
std::pair<Tensor, Step> run_direction(RecurrentMode mode, const Tensor& x,
                                      const DirectionWeights& w, bool reverse, Step state) {
  const Tensor input_gates = functional::linear(x, w.weight_ih, w.bias_ih);
  const int64_t steps = x.size(0);
  std::vector<Tensor> outputs(steps);
  for (int64_t i = 0; i < steps; ++i) {
    const int64_t t = reverse ? steps - 1 - i : i;
    state = step(mode, input_gates.select(0, t), state, w.weight_hh, w.bias_hh);
    // LSTM with projections (Sak et al. 2014): h_t = W_hr (o_t * tanh(c_t)).
    if (w.weight_hr.defined()) state.h = functional::linear(state.h, w.weight_hr);
    outputs[t] = state.h;
  }
  return {stack(outputs, 0), state};
}

// The parameters named <name><suffix>; undefined where the layer has none.
DirectionWeights direction_weights(const std::vector<std::pair<std::string, Tensor>>& parameters,
                                   const std::string& suffix) {
  auto find = [&](const std::string& name) {
    for (const auto& [key, value] : parameters) {
      if (key == name + suffix) return value;
    }
    return Tensor();
  };
  return {find("weight_ih"), find("weight_hh"), find("bias_ih"), find("bias_hh"),
          find("weight_hr")};
}

// "_l<layer>", and "_reverse" for the backward direction, as PyTorch names the parameters.
std::string direction_suffix(int64_t layer, int direction) {
  return "_l" + std::to_string(layer) + (direction ? "_reverse" : "");
}

// PyTorch's checks (RNNBase.__init__), in its order.
void check_options(const std::string& name, RecurrentMode mode, int64_t input_size,
                   int64_t hidden_size, const RecurrentOptions& options) {
  KILN_CHECK(input_size > 0 && hidden_size > 0 && options.num_layers > 0, name,
             ": sizes and num_layers must be positive");
  KILN_CHECK(options.dropout >= 0 && options.dropout <= 1, name, ": dropout must be in [0, 1]");
  KILN_CHECK(options.proj_size == 0 || mode == RecurrentMode::Lstm, name,
             ": proj_size is only supported for LSTM, not RNN or GRU");
  KILN_CHECK(options.proj_size >= 0, name,
             ": proj_size must be non-negative (0 disables the projection), got ",
             options.proj_size);
  KILN_CHECK(options.proj_size < hidden_size, name,
             ": proj_size has to be smaller than hidden_size, got proj_size ", options.proj_size,
             " and hidden_size ", hidden_size);
}

}  // namespace

RecurrentBase::RecurrentBase(RecurrentMode mode, int64_t input_size, int64_t hidden_size,
                             RecurrentOptions options)
    : Module(mode_name(mode)),
      mode_(mode),
      input_size_(input_size),
      hidden_size_(hidden_size),
      options_(options) {
  check_options(type_name(), mode, input_size, hidden_size, options);
  const int64_t gates = gate_count(mode) * hidden_size;
  const int directions = options.bidirectional ? 2 : 1;
  for (int64_t layer = 0; layer < options.num_layers; ++layer) {
    const int64_t layer_input = layer == 0 ? input_size : real_hidden_size() * directions;
    for (int direction = 0; direction < directions; ++direction) {
      const std::string suffix = direction_suffix(layer, direction);
      register_parameter("weight_ih" + suffix, uniform_weight({gates, layer_input}, hidden_size));
      register_parameter("weight_hh" + suffix,
                         uniform_weight({gates, real_hidden_size()}, hidden_size));
      if (options.bias) {
        register_parameter("bias_ih" + suffix, uniform_weight({gates}, hidden_size));
        register_parameter("bias_hh" + suffix, uniform_weight({gates}, hidden_size));
      }
      if (options.proj_size > 0) {
        register_parameter("weight_hr" + suffix,
                           uniform_weight({options.proj_size, hidden_size}, hidden_size));
      }
    }
  }
}

int64_t RecurrentBase::real_hidden_size() const {
  return options_.proj_size > 0 ? options_.proj_size : hidden_size_;
}

RecurrentResult RecurrentBase::forward(const Tensor& input, const Tensor& h0, const Tensor& c0) {
  const ModuleScope scope(*this);
  KILN_CHECK(input.dim() == 2 || input.dim() == 3, type_name(), ": input must be [L, N, I], ",
             "[N, L, I] with batch_first, or [L, I], got ", input.shape());
  const bool batched = input.dim() == 3;
  // Time-major and batched from here: [L, N, I].
  Tensor x = !batched ? input.unsqueeze(1) : options_.batch_first ? input.transpose(0, 1) : input;
  KILN_CHECK(x.size(2) == input_size_, type_name(), ": input has ", x.size(2),
             " features, expected ", input_size_);
  const int directions = options_.bidirectional ? 2 : 1;
  const int64_t states = options_.num_layers * directions, batch = x.size(1);
  const bool lstm = mode_ == RecurrentMode::Lstm;
  // The initial h (size H_out) or c (size hidden_size) of every layer and direction; zeros
  // when not given.
  auto initial = [&](const Tensor& given, const char* name, int64_t size) {
    const Shape shape = {states, batch, size};
    if (!given.defined()) return zeros(shape, {.dtype = x.dtype(), .device = x.device()});
    const Tensor state = batched ? given : given.unsqueeze(1);
    KILN_CHECK(state.shape() == shape, type_name(), ": ", name, " of shape ", given.shape(),
               " does not match ", shape);
    return state;
  };
  const Tensor h_initial = initial(h0, "h0", real_hidden_size());
  const Tensor c_initial = lstm ? initial(c0, "c0", hidden_size_) : Tensor();
  const auto parameters = named_parameters();
  std::vector<Tensor> h_final, c_final;
  for (int64_t layer = 0; layer < options_.num_layers; ++layer) {
    std::vector<Tensor> direction_outputs;
    for (int direction = 0; direction < directions; ++direction) {
      const int64_t index = layer * directions + direction;
      const Step initial_step{h_initial.select(0, index),
                              lstm ? c_initial.select(0, index) : Tensor()};
      auto [output, last] =
          run_direction(mode_, x, direction_weights(parameters, direction_suffix(layer, direction)),
                        direction == 1, initial_step);
      direction_outputs.push_back(output);
      h_final.push_back(last.h);
      if (lstm) c_final.push_back(last.c);
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
         (options_.proj_size > 0 ? ", proj_size=" + std::to_string(options_.proj_size) : "") +
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
  const ModuleScope scope(*this);
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
