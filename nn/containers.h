#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "nn/module.h"
#include "nn/module_scope.h"

namespace kiln::nn {

// A module with one tensor in and one out: what Sequential chains. Calling it names it in
// anomaly messages (nn/module_scope.h); calling forward() directly does not.
class UnaryModule : public Module {
 public:
  using Module::Module;
  virtual Tensor forward(const Tensor& input) = 0;
  Tensor operator()(const Tensor& input) {
    const ModuleScope scope(*this);
    return forward(input);
  }
};

// Runs its modules in order; they are named "0", "1", ... as in PyTorch.
class Sequential : public UnaryModule {
 public:
  Sequential() : UnaryModule("Sequential") {}
  Sequential(std::initializer_list<std::shared_ptr<UnaryModule>> modules);
  void push_back(std::shared_ptr<UnaryModule> module);
  size_t size() const { return modules_.size(); }
  const std::shared_ptr<UnaryModule>& operator[](size_t index) const;
  Tensor forward(const Tensor& input) override;

 private:
  std::vector<std::shared_ptr<UnaryModule>> modules_;
};

// Holds modules by position ("0", "1", ...), for models that loop over layers.
class ModuleList : public Module {
 public:
  ModuleList() : Module("ModuleList") {}
  void push_back(std::shared_ptr<Module> module);
  size_t size() const { return modules_.size(); }
  const std::shared_ptr<Module>& operator[](size_t index) const;
  template <typename M>
  std::shared_ptr<M> at(size_t index) const {
    auto module = std::dynamic_pointer_cast<M>((*this)[index]);
    KILN_CHECK(module != nullptr, "ModuleList: module ", index, " is a ",
               (*this)[index]->type_name());
    return module;
  }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};

// Holds modules by name.
class ModuleDict : public Module {
 public:
  ModuleDict() : Module("ModuleDict") {}
  void insert(const std::string& name, std::shared_ptr<Module> module);
  bool contains(const std::string& name) const;
  const std::shared_ptr<Module>& operator[](const std::string& name) const;

 private:
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> modules_;
};

}  // namespace kiln::nn
