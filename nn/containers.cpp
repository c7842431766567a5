#include "nn/containers.h"

namespace kiln::nn {

Sequential::Sequential(std::initializer_list<std::shared_ptr<UnaryModule>> modules) : Sequential() {
  for (const auto& module : modules) push_back(module);
}

void Sequential::push_back(std::shared_ptr<UnaryModule> module) {
  modules_.push_back(register_module(std::to_string(modules_.size()), std::move(module)));
}

const std::shared_ptr<UnaryModule>& Sequential::operator[](size_t index) const {
  KILN_CHECK(index < modules_.size(), "Sequential: index ", index, " out of range for ",
             modules_.size(), " modules");
  return modules_[index];
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& module : modules_) x = (*module)(x);
  return x;
}

void ModuleList::push_back(std::shared_ptr<Module> module) {
  modules_.push_back(register_module(std::to_string(modules_.size()), std::move(module)));
}

const std::shared_ptr<Module>& ModuleList::operator[](size_t index) const {
  KILN_CHECK(index < modules_.size(), "ModuleList: index ", index, " out of range for ",
             modules_.size(), " modules");
  return modules_[index];
}

void ModuleDict::insert(const std::string& name, std::shared_ptr<Module> module) {
  modules_.emplace_back(name, register_module(name, std::move(module)));
}

bool ModuleDict::contains(const std::string& name) const {
  for (const auto& [key, module] : modules_) {
    if (key == name) return true;
  }
  return false;
}

const std::shared_ptr<Module>& ModuleDict::operator[](const std::string& name) const {
  for (const auto& [key, module] : modules_) {
    if (key == name) return module;
  }
  throw Error("ModuleDict: no module named '" + name + "'");
}

}  // namespace kiln::nn
