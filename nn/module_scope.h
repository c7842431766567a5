#pragma once

#include <string>

#include "autograd/anomaly_mode.h"
#include "nn/module.h"

namespace kiln::nn {

// Marks a module's forward for anomaly detection (autograd/anomaly_mode.h): while anomaly
// mode is on, the ops recorded in the scope are labelled with the module's path below the
// outermost module in a scope ("encoder.layers.1.self_attn"); off, it costs one branch.
// UnaryModule's call operator opens one; forwards of other signatures open their own.
class ModuleScope {
 public:
  explicit ModuleScope(const Module& module) {
    if (AnomalyMode::is_enabled()) [[unlikely]]
      enter(module);
  }
  ~ModuleScope() {
    if (module_ != nullptr) [[unlikely]]
      leave();
  }
  ModuleScope(const ModuleScope&) = delete;
  ModuleScope& operator=(const ModuleScope&) = delete;

 private:
  void enter(const Module& module);
  void leave();
  std::string path() const;

  const Module* module_ = nullptr;
  const ModuleScope* outer_ = nullptr;
  bool at_root_ = false;  // the outermost module's scope, or its own forward called within it
  autograd::ModulePath outer_path_;
};

}  // namespace kiln::nn
