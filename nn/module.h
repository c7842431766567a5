#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace kiln::nn {

using StateDict = std::map<std::string, Tensor>;

// What a non-strict load_state_dict left out: keys the module has that the dict lacks, and
// keys of the dict the module does not have.
struct LoadResult {
  std::vector<std::string> missing_keys;
  std::vector<std::string> unexpected_keys;
};

// A layer or model: parameters, buffers and submodules registered by name, so that
// state_dict() names them as PyTorch does ("encoder.layers.0.self_attn.in_proj_weight").
// Modules are held by shared_ptr; a submodule is shared, not copied.
class Module {
 public:
  explicit Module(std::string type_name) : type_name_(std::move(type_name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::string& type_name() const { return type_name_; }
  // The constructor's arguments, for printing: "in_features=4, out_features=3, bias=true".
  virtual std::string extra_repr() const { return ""; }

  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
  std::vector<Tensor> parameters(bool recurse = true) const;
  std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const;
  // This module (named "") and every descendant, depth first.
  std::vector<std::pair<std::string, const Module*>> named_modules() const;
  int64_t parameter_count() const;

  // Training mode (dropout active, batch norm updating its statistics) or evaluation mode,
  // for this module and every descendant.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Moves every parameter and buffer in place (handles held elsewhere see the change).
  // to(dtype) converts the floating ones only.
  void to(Device device);
  void to(DType dtype);
  // Drops every parameter's gradient (PyTorch's set_to_none behaviour).
  void zero_grad();

  // Parameters and persistent buffers by dotted name.
  StateDict state_dict() const;
  // Copies the dict's tensors into the parameters and buffers (converting dtype). A shape
  // mismatch is always an error; missing or unexpected keys are errors when strict, and
  // reported in the result otherwise.
  LoadResult load_state_dict(const StateDict& state, bool strict = true);

  // An indented tree of the modules with their parameter counts.
  std::string summary() const;

 protected:
  // Registers and returns the tensor (a handle sharing it). Parameters require grad.
  Tensor register_parameter(const std::string& name, Tensor value, bool requires_grad = true);
  Tensor register_buffer(const std::string& name, Tensor value, bool persistent = true);
  // PyTorch's _load_from_state_dict hook: fills in, under `prefix`, entries this module can
  // do without (an older file's missing buffer, say) before load_state_dict checks the keys.
  virtual void complete_state_dict(StateDict& state, const std::string& prefix) const;
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name) const;
  void summarize(std::string& out, const std::string& name, int depth) const;

  std::string type_name_;
  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::string> transient_buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// Replaces the data behind `target` (storage, shape, dtype) with `source`'s, keeping its
// identity and autograd state: every handle on `target` sees the new data.
void set_data(const Tensor& target, const Tensor& source);

}  // namespace kiln::nn
