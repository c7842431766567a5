#pragma once

// Whether differentiable ops record a graph, per thread (as torch.no_grad / enable_grad).
namespace kiln {

namespace detail {
inline thread_local bool grad_mode_enabled = true;
}  // namespace detail

struct GradMode {
  static bool is_enabled() { return detail::grad_mode_enabled; }
  static void set_enabled(bool enabled) { detail::grad_mode_enabled = enabled; }
};

// Sets grad mode for a scope and restores the previous mode on exit.
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : previous_(GradMode::is_enabled()) {
    GradMode::set_enabled(enabled);
  }
  ~AutoGradMode() { GradMode::set_enabled(previous_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool previous_;
};

// Ops in this scope record nothing: for evaluation and for optimizer updates.
class NoGradGuard : public AutoGradMode {
 public:
  NoGradGuard() : AutoGradMode(false) {}
};

// Turns recording back on inside a NoGradGuard scope.
class EnableGradGuard : public AutoGradMode {
 public:
  EnableGradGuard() : AutoGradMode(true) {}
};

}  // namespace kiln
