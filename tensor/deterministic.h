#pragma once

// Whether ops must give bit-identical results from run to run. The CPU's kernels always do.
// On CUDA, scatter_add and index_add accumulate with atomics by default, whose order (and so
// whose float rounding) varies between runs; with this set they add each target's values
// in index order, as the CPU does, at the cost of a pass on the host
// (torch.use_deterministic_algorithms).
namespace kiln {

void set_deterministic_algorithms(bool on);
bool deterministic_algorithms();

// Sets the switch for a scope and restores it afterwards.
class DeterministicAlgorithmsGuard {
 public:
  explicit DeterministicAlgorithmsGuard(bool on) : previous_(deterministic_algorithms()) {
    set_deterministic_algorithms(on);
  }
  ~DeterministicAlgorithmsGuard() { set_deterministic_algorithms(previous_); }
  DeterministicAlgorithmsGuard(const DeterministicAlgorithmsGuard&) = delete;
  DeterministicAlgorithmsGuard& operator=(const DeterministicAlgorithmsGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace kiln
