#pragma once

// The optimizer interface (PyTorch's torch.optim.Optimizer): parameter groups with their
// own options, per-parameter state created on a parameter's first update, and a state dict
// for checkpoints.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "optim/commit.h"
#include "optim/options_json.h"
#include "tensor/tensor.h"

namespace kiln::optim {

// An optimizer's state as a checkpoint holds it: the optimizer's kind, per-parameter
// tensors named "<index>.<name>" (index counting parameters across groups in order, as
// PyTorch numbers them) and each group's options with its parameters' indices.
struct OptimizerState {
  std::string type;  // the optimizer's name(): "AdamW"
  std::map<std::string, Tensor> tensors;
  nlohmann::json groups;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  virtual const char* name() const = 0;
  // Updates every parameter that has a gradient; parameters without one are left alone.
  virtual void step() = 0;
  // Drops every parameter's gradient (PyTorch's set_to_none).
  void zero_grad();

  size_t group_count() const { return group_params_.size(); }
  const std::vector<Tensor>& params(size_t group) const { return group_params_.at(group); }
  virtual double lr(size_t group) const = 0;
  virtual void set_lr(size_t group, double lr) = 0;
  // The momentum a schedule may cycle (SGD's and RMSprop's momentum, Adam's beta1); none for
  // optimizers without one.
  virtual bool has_momentum() const { return false; }
  virtual double momentum(size_t group) const;
  virtual void set_momentum(size_t group, double momentum);
  // The learning rate a group started from, recorded by the first scheduler attached.
  std::optional<double>& initial_lr(size_t group) { return initial_lrs_.at(group); }

  OptimizerState state_dict() const;
  // Checks a state saved from an optimizer of the same kind over parameters of the same
  // shapes, changing nothing: its type, the group and parameter counts, each state tensor's
  // shape, and each group's options by the constructor's checks (a negative lr from an
  // edited file is an error). Returns the Commit that restores it; throws kiln::Error naming
  // what does not fit.
  Commit prepare_load_state_dict(const OptimizerState& state);
  void load_state_dict(const OptimizerState& state) { prepare_load_state_dict(state)(); }

 protected:
  explicit Optimizer(std::vector<std::vector<Tensor>> group_params);

  using State = std::map<std::string, Tensor>;
  // Calls update(param, grad, state) for each parameter of `group` that has a gradient;
  // state starts empty.
  template <typename Update>
  void for_each_with_grad(size_t group, const Update& update) {
    size_t index = 0;
    for (size_t g = 0; g < group; ++g) index += group_params_[g].size();
    for (const Tensor& param : group_params_.at(group)) {
      State& state = state_[index++];
      const Tensor grad = param.grad();
      if (grad.defined()) update(param, grad, state);
    }
  }
  // Advances the state's "step" counter (a float32 scalar, as PyTorch keeps it) and returns
  // the new count, 1 on the first step.
  static int64_t count_step(State& state);
  virtual nlohmann::json group_options(size_t group) const = 0;
  // Parses and checks every group's options, changing nothing, and returns the Commit that
  // installs them; throws kiln::Error or nlohmann::json::exception on the first that does
  // not fit.
  virtual Commit prepare_group_options(const std::vector<nlohmann::json>& options) = 0;

 private:
  // The saved state tensors as this optimizer keeps them, checked against `params` (every
  // parameter, in index order).
  std::map<size_t, State> restore_state(const std::map<std::string, Tensor>& tensors,
                                        const std::vector<const Tensor*>& params) const;

  std::vector<std::vector<Tensor>> group_params_;
  std::vector<std::optional<double>> initial_lrs_;
  std::map<size_t, State> state_;
};

// A group of parameters and the options they are updated with.
template <typename Options>
struct ParamGroup {
  std::vector<Tensor> params;
  Options options = {};
};

// An optimizer whose groups each hold an Options struct with at least `lr`.
template <typename Options>
class OptimizerWith : public Optimizer {
 public:
  double lr(size_t group) const override { return options_.at(group).lr; }
  void set_lr(size_t group, double lr) override { options_.at(group).lr = lr; }
  const Options& options(size_t group) const { return options_.at(group); }
  Options& options(size_t group) { return options_.at(group); }

 protected:
  explicit OptimizerWith(const std::vector<ParamGroup<Options>>& groups)
      : Optimizer(params_of(groups)) {
    for (const ParamGroup<Options>& group : groups) options_.push_back(group.options);
  }
  nlohmann::json group_options(size_t group) const override { return options_.at(group); }
  // The constructor's checks of one group's options, run again on options loaded from a
  // file; throws kiln::Error.
  virtual void check_options(const Options& options) const = 0;
  Commit prepare_group_options(const std::vector<nlohmann::json>& options) override {
    std::vector<Options> parsed;
    for (const nlohmann::json& group : options) {
      parsed.push_back(group.get<Options>());
      check_options(parsed.back());
    }
    return [this, parsed = std::move(parsed)]() mutable { options_ = std::move(parsed); };
  }

 private:
  static std::vector<std::vector<Tensor>> params_of(
      const std::vector<ParamGroup<Options>>& groups) {
    std::vector<std::vector<Tensor>> params;
    for (const ParamGroup<Options>& group : groups) params.push_back(group.params);
    return params;
  }

  std::vector<Options> options_;
};

}  // namespace kiln::optim
