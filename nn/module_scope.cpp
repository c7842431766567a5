#include "nn/module_scope.h"

#include <optional>

namespace kiln::nn {

namespace {

thread_local const ModuleScope* innermost = nullptr;

// The dotted name of `target` among the descendants of `ancestor`, or none.
std::optional<std::string> path_below(const Module& ancestor, const Module& target) {
  const auto children = ancestor.named_children();
  for (const auto& [name, child] : children) {
    if (child.get() == &target) return name;
  }
  for (const auto& [name, child] : children) {
    if (std::optional<std::string> below = path_below(*child, target)) return name + "." + *below;
  }
  return std::nullopt;
}

}  // namespace

void ModuleScope::enter(const Module& module) {
  module_ = &module;
  outer_ = innermost;
  innermost = this;
  at_root_ = outer_ == nullptr || (outer_->module_ == module_ && outer_->at_root_);
  outer_path_ = autograd::exchange_module_path(std::make_shared<const std::string>(path()));
}

void ModuleScope::leave() {
  innermost = outer_;
  autograd::exchange_module_path(std::move(outer_path_));
}

// Below the outermost module, as state_dict names them; the outermost module stands for
// itself by its type name, and so does a module that is not a registered descendant of the
// module that calls it.
std::string ModuleScope::path() const {
  if (outer_ == nullptr) return module_->type_name();
  const std::string& outer_path = *autograd::current_module_path();
  if (outer_->module_ == module_) return outer_path;
  const std::string name = path_below(*outer_->module_, *module_).value_or(module_->type_name());
  return outer_->at_root_ ? name : outer_path + "." + name;
}

}  // namespace kiln::nn
