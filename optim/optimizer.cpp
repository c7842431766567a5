#include "optim/optimizer.h"

#include <charconv>
#include <cmath>

#include "tensor/creation.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace kiln::optim {

Optimizer::Optimizer(std::vector<std::vector<Tensor>> group_params)
    : group_params_(std::move(group_params)), initial_lrs_(group_params_.size()) {
  KILN_CHECK(!group_params_.empty(), "optimizer: no parameter groups");
  for (const std::vector<Tensor>& params : group_params_) {
    for (const Tensor& param : params) {
      KILN_CHECK(param.defined() && is_floating(param.dtype()),
                 "optimizer: parameters must be floating tensors");
      KILN_CHECK(param.requires_grad() && param.is_leaf(),
                 "optimizer: parameters must be leaves that require grad");
    }
  }
}

void Optimizer::zero_grad() {
  for (const std::vector<Tensor>& params : group_params_) {
    for (const Tensor& param : params) param.set_grad(Tensor());
  }
}

double Optimizer::momentum(size_t) const {
  throw Error(std::string(name()) + " has no momentum to schedule");
}

void Optimizer::set_momentum(size_t, double) {
  throw Error(std::string(name()) + " has no momentum to schedule");
}

int64_t Optimizer::count_step(State& state) {
  Tensor& counter = state["step"];
  if (!counter.defined()) counter = zeros({});
  const double step = counter.item<double>() + 1;
  raw::fill_(counter, step);
  return static_cast<int64_t>(step);
}

OptimizerState Optimizer::state_dict() const {
  OptimizerState out;
  out.type = name();
  out.groups = nlohmann::json::array();
  size_t index = 0;
  for (size_t g = 0; g < group_params_.size(); ++g) {
    nlohmann::json group = group_options(g);
    group["params"] = nlohmann::json::array();
    for (size_t i = 0; i < group_params_[g].size(); ++i) group["params"].push_back(index++);
    out.groups.push_back(std::move(group));
  }
  for (const auto& [param_index, entries] : state_) {
    for (const auto& [key, value] : entries) {
      out.tensors[std::to_string(param_index) + "." + key] = value;
    }
  }
  return out;
}

namespace {

// "<index>.<name>" -> (index, name), or throws.
std::pair<size_t, std::string> parse_state_key(const std::string& key, size_t param_count,
                                               const char* optimizer) {
  const size_t dot = key.find('.');
  size_t index = 0;
  const char* end = key.data() + (dot == std::string::npos ? key.size() : dot);
  const auto [stop, error] = std::from_chars(key.data(), end, index);
  KILN_CHECK(
      dot != std::string::npos && dot + 1 < key.size() && error == std::errc() && stop == end,
      optimizer, ".load_state_dict: state key '", key, "' is not '<index>.<name>'");
  KILN_CHECK(index < param_count, optimizer, ".load_state_dict: state for parameter ", index,
             " but the optimizer has ", param_count, " parameters");
  return {index, key.substr(dot + 1)};
}

// A saved step count must be one count_step could have reached: a whole number of steps that
// the float32 counter holds exactly (at most 2^24), so the next step's count is exact too.
void check_step_count(const Tensor& value, const std::string& key, const char* optimizer) {
  const double count = value.item<double>();
  KILN_CHECK(count >= 0 && count <= (1 << 24) && count == std::floor(count), optimizer,
             ".load_state_dict: state '", key, "' holds ", count,
             ", not a step count (a whole number from 0 to 2^24)");
}

}  // namespace

Commit Optimizer::prepare_load_state_dict(const OptimizerState& state) {
  KILN_CHECK(state.type == name(), name(), ".load_state_dict: the state was saved by ",
             state.type.empty() ? "an unnamed optimizer" : state.type, ", not ", name());
  KILN_CHECK(state.groups.is_array() && state.groups.size() == group_params_.size(), name(),
             ".load_state_dict: ", state.groups.is_array() ? state.groups.size() : 0,
             " parameter groups saved, the optimizer has ", group_params_.size());
  std::vector<const Tensor*> params;
  std::vector<nlohmann::json> options;
  for (size_t g = 0; g < group_params_.size(); ++g) {
    const nlohmann::json& group = state.groups[g];
    const size_t saved = group.is_object() && group.contains("params") && group["params"].is_array()
                             ? group["params"].size()
                             : 0;
    KILN_CHECK(saved == group_params_[g].size(), name(), ".load_state_dict: group ", g, " has ",
               saved, " parameters saved and ", group_params_[g].size(), " in the optimizer");
    for (const Tensor& param : group_params_[g]) params.push_back(&param);
    options.push_back(group);
    if (group.is_object()) options.back().erase("params");
  }
  std::map<size_t, State> restored = restore_state(state.tensors, params);
  Commit install_options;
  try {
    install_options = prepare_group_options(options);
  } catch (const nlohmann::json::exception& error) {
    throw Error(std::string(name()) +
                ".load_state_dict: unreadable group options: " + error.what());
  }
  return [this, install_options, restored = std::move(restored)]() mutable {
    install_options();
    state_ = std::move(restored);
  };
}

std::map<size_t, Optimizer::State> Optimizer::restore_state(
    const std::map<std::string, Tensor>& tensors, const std::vector<const Tensor*>& params) const {
  std::map<size_t, State> restored;
  for (const auto& [key, value] : tensors) {
    const auto [index, entry] = parse_state_key(key, params.size(), name());
    const Tensor& param = *params[index];
    const bool counter = entry == "step";
    KILN_CHECK(is_floating(value.dtype()), name(), ".load_state_dict: state '", key, "' is ",
               value.dtype(), ", not floating");
    KILN_CHECK(counter ? value.numel() == 1 : value.shape() == param.shape(), name(),
               ".load_state_dict: state '", key, "' has shape ", value.shape(),
               counter ? ", not a single value" : " but the parameter has shape ",
               counter ? Shape{} : param.shape());
    if (counter) check_step_count(value, key, name());
    // Copies, never aliases of the caller's tensors. Counters stay float32 on the CPU, as
    // PyTorch keeps them; the rest follows the parameter's device and dtype.
    restored[index][entry] =
        counter ? raw::clone(raw::to(raw::reshape(value, {}), kFloat32))
                : raw::clone(raw::to(raw::to(value, param.device()), param.dtype()));
  }
  return restored;
}

}  // namespace kiln::optim
