#include "nn/module.h"

#include <algorithm>
#include <sstream>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"

namespace kiln::nn {

void set_data(const Tensor& target, const Tensor& source) {
  TensorImpl& impl = *target.impl_ptr();
  const TensorImpl& from = source.impl();
  impl.storage = from.storage;
  impl.shape = from.shape;
  impl.strides = from.strides;
  impl.offset = from.offset;
  impl.numel = from.numel;
  impl.dtype = from.dtype;
  impl.contiguous = from.contiguous;
  impl.is_view = from.is_view;
}

void Module::check_new_name(const std::string& name) const {
  KILN_CHECK(!name.empty() && name.find('.') == std::string::npos, type_name_,
             ": invalid member name '", name, "' (non-empty, no dots)");
  auto taken = [&name](const auto& list) {
    return std::ranges::any_of(list, [&name](const auto& entry) { return entry.first == name; });
  };
  KILN_CHECK(!taken(parameters_) && !taken(buffers_) && !taken(children_), type_name_,
             ": a member named '", name, "' is already registered");
}

Tensor Module::register_parameter(const std::string& name, Tensor value, bool requires_grad) {
  check_new_name(name);
  KILN_CHECK(value.defined(), type_name_, ": parameter '", name, "' is undefined");
  if (requires_grad) value.requires_grad_();
  parameters_.emplace_back(name, value);
  return value;
}

Tensor Module::register_buffer(const std::string& name, Tensor value, bool persistent) {
  check_new_name(name);
  buffers_.emplace_back(name, value);
  if (!persistent) transient_buffers_.push_back(name);
  return value;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name);
  KILN_CHECK(module != nullptr, type_name_, ": submodule '", name, "' is null");
  children_.emplace_back(name, std::move(module));
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_children() const {
  return children_;
}

std::vector<std::pair<std::string, const Module*>> Module::named_modules() const {
  std::vector<std::pair<std::string, const Module*>> out = {{"", this}};
  for (const auto& [name, child] : children_) {
    for (const auto& [inner, module] : child->named_modules()) {
      out.emplace_back(inner.empty() ? name : name + "." + inner, module);
    }
  }
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  // A module or tensor shared in several places (tied weights) is listed once, under its
  // first name, as PyTorch does; state_dict() still has every name.
  std::vector<std::pair<std::string, Tensor>> out;
  std::vector<const TensorImpl*> seen;
  for (const auto& [prefix, module] : named_modules()) {
    if (!recurse && module != this) continue;
    for (const auto& [name, value] : module->parameters_) {
      if (std::ranges::find(seen, value.impl_ptr().get()) != seen.end()) continue;
      seen.push_back(value.impl_ptr().get());
      out.emplace_back(prefix.empty() ? name : prefix + "." + name, value);
    }
  }
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, value] : named_parameters(recurse)) out.push_back(value);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (const auto& [prefix, module] : named_modules()) {
    if (!recurse && module != this) continue;
    for (const auto& [name, value] : module->buffers_) {
      if (value.defined()) out.emplace_back(prefix.empty() ? name : prefix + "." + name, value);
    }
  }
  return out;
}

int64_t Module::parameter_count() const {
  int64_t count = 0;
  for (const Tensor& p : parameters()) count += p.numel();
  return count;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::to(Device device) {
  NoGradGuard no_grad;
  for (auto& [name, p] : named_parameters()) {
    set_data(p, p.detach().to(device));
    if (p.grad().defined()) p.set_grad(p.grad().to(device));
  }
  for (auto& [name, b] : named_buffers()) set_data(b, b.to(device));
}

void Module::to(DType dtype) {
  KILN_CHECK(is_floating(dtype), type_name_, ".to: parameters must stay floating, got ", dtype);
  NoGradGuard no_grad;
  for (auto& [name, p] : named_parameters()) {
    if (!is_floating(p.dtype())) continue;
    set_data(p, p.detach().to(dtype));
    if (p.grad().defined()) p.set_grad(p.grad().to(dtype));
  }
  for (auto& [name, b] : named_buffers()) {
    if (is_floating(b.dtype())) set_data(b, b.to(dtype));
  }
}

void Module::zero_grad() {
  for (Tensor& p : parameters()) p.set_grad({});
}

StateDict Module::state_dict() const {
  StateDict state;
  for (const auto& [prefix, module] : named_modules()) {
    for (const auto& [name, p] : module->parameters_) {
      state[prefix.empty() ? name : prefix + "." + name] = p.detach();
    }
  }
  for (const auto& [prefix, module] : named_modules()) {
    for (const auto& [name, b] : module->buffers_) {
      if (!b.defined()) continue;
      if (std::ranges::find(module->transient_buffers_, name) != module->transient_buffers_.end()) {
        continue;
      }
      state[prefix.empty() ? name : prefix + "." + name] = b;
    }
  }
  return state;
}

void Module::complete_state_dict(StateDict&, const std::string&) const {}

LoadResult Module::load_state_dict(const StateDict& given, bool strict) {
  StateDict state = given;
  for (const auto& [name, module] : named_modules())
    module->complete_state_dict(state, name.empty() ? name : name + ".");
  const StateDict own = state_dict();
  LoadResult result;
  for (const auto& [name, target] : own) {
    const auto found = state.find(name);
    if (found == state.end()) {
      result.missing_keys.push_back(name);
      continue;
    }
    KILN_CHECK(found->second.shape() == target.shape(), type_name_, ".load_state_dict: '", name,
               "' has shape ", found->second.shape(), " in the state dict but ", target.shape(),
               " in the module");
  }
  for (const auto& [name, value] : state) {
    if (!own.contains(name)) result.unexpected_keys.push_back(name);
  }
  if (strict && (!result.missing_keys.empty() || !result.unexpected_keys.empty())) {
    std::ostringstream why;
    why << type_name_ << ".load_state_dict (strict):";
    if (!result.missing_keys.empty()) {
      why << " missing keys";
      for (const auto& key : result.missing_keys) why << " '" << key << "'";
      why << ";";
    }
    if (!result.unexpected_keys.empty()) {
      why << " unexpected keys";
      for (const auto& key : result.unexpected_keys) why << " '" << key << "'";
      why << ";";
    }
    why << " pass strict=false to load the rest";
    throw Error(why.str());
  }
  NoGradGuard no_grad;
  for (const auto& [name, target] : own) {
    const auto found = state.find(name);
    if (found == state.end()) continue;
    // target is a detached alias of the parameter: copying into it fills the parameter.
    Tensor destination = target;
    destination.copy_(found->second.to(target.device()).to(target.dtype()));
  }
  return result;
}

void Module::summarize(std::string& out, const std::string& name, int depth) const {
  std::ostringstream line;
  line << std::string(2 * depth, ' ') << (name.empty() ? "" : "(" + name + "): ") << type_name_
       << "(" << extra_repr() << ")";
  const int64_t total = parameter_count();
  if (total > 0) line << "  # " << total << " parameters";
  out += line.str() + "\n";
  for (const auto& [child_name, child] : children_) child->summarize(out, child_name, depth + 1);
}

std::string Module::summary() const {
  std::string out;
  summarize(out, "", 0);
  out += "total parameters: " + std::to_string(parameter_count()) + "\n";
  return out;
}

}  // namespace kiln::nn
