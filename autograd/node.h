#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace kiln::autograd {

class Node;

using Grads = std::vector<Tensor>;
using TensorHook = std::function<Tensor(const Tensor&)>;

// Where the gradient for one input of a node goes: the node that produced the input (or
// the input's gradient accumulator, for a leaf), and the input's shape and dtype, to which
// the engine reduces a broadcast gradient. A null node means the input needs no gradient.
struct Edge {
  std::shared_ptr<Node> node;
  Shape shape;
  DType dtype = kFloat32;
};

// Where a view's input gradient lies inside the input: elements start, start + step, ...
// (count of them) along dim; a select (keeps_dim false) drops that dim. For such views the
// engine adds the gradient into that region of one buffer per input, rather than each view
// padding its own full-size gradient with zeros.
struct GradientRegion {
  int dim = 0;
  int64_t start = 0, count = 1, step = 1;
  bool keeps_dim = true;
};

// One recorded op: maps the gradient with respect to its output to the gradients with
// respect to its inputs. Every kiln op has one output; multi-output functions (split,
// max with indices) are views or pairs whose second member has no gradient.
class Node {
 public:
  explicit Node(const char* name);
  // Releases the graph behind this node iteratively: a chain of a million ops must not
  // recurse a million destructors deep.
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // The op's name, for error messages and graph printing.
  const char* name() const { return name_; }
  const std::vector<Edge>& next_edges() const { return edges_; }
  std::vector<Edge>& mutable_next_edges() { return edges_; }
  bool needs_input_grad(size_t input) const {
    return input < edges_.size() && edges_[input].node != nullptr;
  }
  // Creation order; the engine runs later nodes first among those that are ready.
  uint64_t sequence_nr() const { return sequence_nr_; }

  // Gradients with respect to each input (undefined where none is needed). `self` is the
  // owning pointer to this node, so that a saved output can be rebuilt with its grad_fn.
  virtual Grads apply(const std::shared_ptr<Node>& self, const Tensor& grad) = 0;
  // Frees what the node saved for backward; a later apply() throws.
  virtual void release() {}
  // For a view that picks a region of its one input: apply() returns the gradient of that
  // region only, and this says where it goes.
  virtual const GradientRegion* gradient_region() const { return nullptr; }
  // Runs the hooks registered on the output tensor; returns the gradient to use.
  virtual Tensor run_hooks(Tensor grad);
  void add_hook(TensorHook hook) { hooks_.push_back(std::move(hook)); }

  // The path of the module whose forward recorded this node, kept in anomaly mode only
  // (autograd/anomaly_mode.h), so that a fault found in backward names it; null otherwise.
  const std::string* module_path() const { return module_path_.get(); }
  void set_module_path(std::shared_ptr<const std::string> path) { module_path_ = std::move(path); }

 private:
  const char* name_;
  uint64_t sequence_nr_;
  std::vector<Edge> edges_;
  std::vector<TensorHook> hooks_;
  std::shared_ptr<const std::string> module_path_;
};

// The sink of a leaf tensor: adds the incoming gradient into the leaf's grad(). It holds the
// leaf weakly: a grad() recorded with create_graph holds this node, and the leaf holds its
// grad(), so a strong reference would be a cycle. A leaf that is gone takes nothing.
class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(const Tensor& variable);
  Grads apply(const std::shared_ptr<Node>& self, const Tensor& grad) override;
  Tensor run_hooks(Tensor grad) override;

 private:
  std::weak_ptr<TensorImpl> variable_;
};

}  // namespace kiln::autograd
