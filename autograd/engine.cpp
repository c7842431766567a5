// The backward engine: counts, for every node reachable from the outputs, how many edges
// lead into it, then runs nodes whose gradients are complete, latest-created first, summing
// the gradients that reach a node along several edges.
#include "autograd/engine.h"

#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "autograd/anomaly_mode.h"
#include "autograd/autograd_meta.h"
#include "autograd/formulas.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace kiln {
namespace autograd {

namespace {

thread_local const Node* current_node = nullptr;

class RunningNode {
 public:
  explicit RunningNode(const Node* node) : previous_(current_node) { current_node = node; }
  ~RunningNode() { current_node = previous_; }
  RunningNode(const RunningNode&) = delete;
  RunningNode& operator=(const RunningNode&) = delete;

 private:
  const Node* previous_;
};

// Sums a gradient over the dims that broadcasting expanded, back to the input's shape
// (and dtype): the one place every op's broadcast is undone.
Tensor reduce_to_input(Tensor grad, const Edge& edge) {
  if (grad.shape() != edge.shape) {
    const int leading = grad.dim() - edge.shape.size();
    KILN_CHECK(leading >= 0, edge.node->name(), ": gradient of shape ", grad.shape(),
               " cannot be reduced to the input's shape ", edge.shape);
    Dims dims;
    for (int i = 0; i < grad.dim(); ++i) {
      if (i < leading || (edge.shape[i - leading] == 1 && grad.shape()[i] != 1)) dims.push_back(i);
    }
    grad = sum(grad, dims, true).view(edge.shape);
  }
  if (grad.dtype() != edge.dtype) grad = grad.to(edge.dtype);
  return grad;
}

struct BySequence {
  bool operator()(const Node* a, const Node* b) const {
    return a->sequence_nr() < b->sequence_nr();
  }
};

class GraphTask {
 public:
  GraphTask(bool retain_graph, std::vector<const Node*> targets)
      : retain_graph_(retain_graph), targets_(std::move(targets)) {}

  std::vector<Tensor> run(const std::vector<Edge>& roots, std::vector<Tensor> root_grads);

 private:
  void count_dependencies(const std::vector<Edge>& roots);
  void add_gradient(const std::shared_ptr<Node>& node, Tensor grad);
  void add_region_gradient(const Edge& edge, const Tensor& grad, const GradientRegion& region);
  bool is_target(const Node* node) const;

  bool retain_graph_;
  std::vector<const Node*> targets_;
  std::unordered_map<const Node*, int> dependencies_;
  // With targets, only nodes that lead to one run.
  std::unordered_set<const Node*> needed_;
  // The gradient summed so far for each node that has not run yet. `owned` marks a sum the
  // engine allocated itself, which it may add into in place; anything else may be shared.
  struct Buffer {
    std::shared_ptr<Node> node = nullptr;
    Tensor grad = {};
    bool owned = false;
  };
  std::unordered_map<const Node*, Buffer> buffers_;
};

bool GraphTask::is_target(const Node* node) const {
  for (const Node* target : targets_) {
    if (target == node) return true;
  }
  return false;
}

void GraphTask::count_dependencies(const std::vector<Edge>& roots) {
  // Iterative post-order walk: deep chains must not overflow the stack.
  std::unordered_set<const Node*> visited;
  std::vector<std::pair<const Node*, size_t>> stack;
  for (const Edge& root : roots) {
    if (root.node == nullptr || !visited.insert(root.node.get()).second) continue;
    stack.emplace_back(root.node.get(), 0);
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      const std::vector<Edge>& edges = node->next_edges();
      if (next < edges.size()) {
        const Node* child = edges[next++].node.get();
        if (child != nullptr && visited.insert(child).second) stack.emplace_back(child, 0);
        continue;
      }
      bool needed = targets_.empty() || is_target(node);
      for (const Edge& edge : edges) needed = needed || needed_.contains(edge.node.get());
      if (needed) needed_.insert(node);
      stack.pop_back();
    }
  }
  for (const Node* node : needed_) {
    for (const Edge& edge : node->next_edges()) {
      if (needed_.contains(edge.node.get())) ++dependencies_[edge.node.get()];
    }
  }
}

void GraphTask::add_gradient(const std::shared_ptr<Node>& node, Tensor grad) {
  Buffer& buffer = buffers_.try_emplace(node.get(), Buffer{node}).first->second;
  if (!grad.defined()) return;
  if (!buffer.grad.defined()) {
    buffer.grad = std::move(grad);
  } else if (buffer.owned && !GradMode::is_enabled()) {
    raw::add_(buffer.grad, grad);
  } else {
    buffer.grad = buffer.grad + grad;
    buffer.owned = !GradMode::is_enabled();
  }
}

// Adds a region view's gradient into that region of its input's gradient. When the backward
// pass is recorded, the region is padded with differentiable ops instead.
void GraphTask::add_region_gradient(const Edge& edge, const Tensor& grad,
                                    const GradientRegion& region) {
  if (GradMode::is_enabled()) {
    add_gradient(edge.node, reduce_to_input(place_in_zeros(grad, edge.shape, region), edge));
    return;
  }
  Buffer& buffer = buffers_.try_emplace(edge.node.get(), Buffer{edge.node}).first->second;
  if (!buffer.owned) {
    Tensor sum = zeros(edge.shape, {.dtype = edge.dtype, .device = grad.device()});
    if (buffer.grad.defined()) raw::add_(sum, buffer.grad);
    buffer.grad = std::move(sum);
    buffer.owned = true;
  }
  const Tensor target = region.keeps_dim
                            ? raw::slice(buffer.grad, region.dim, region.start,
                                         region.start + region.count * region.step, region.step)
                            : raw::select(buffer.grad, region.dim, region.start);
  raw::add_(target, grad.dtype() == edge.dtype ? grad : raw::to(grad, edge.dtype));
}

std::vector<Tensor> GraphTask::run(const std::vector<Edge>& roots, std::vector<Tensor> root_grads) {
  count_dependencies(roots);
  std::priority_queue<const Node*, std::vector<const Node*>, BySequence> ready;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!needed_.contains(roots[i].node.get())) continue;
    const bool first = !buffers_.contains(roots[i].node.get());
    add_gradient(roots[i].node, reduce_to_input(std::move(root_grads[i]), roots[i]));
    if (first && dependencies_[roots[i].node.get()] == 0) ready.push(roots[i].node.get());
  }
  std::vector<Tensor> captured(targets_.size());
  while (!ready.empty()) {
    const Node* key = ready.top();
    ready.pop();
    auto buffer = buffers_.extract(key);
    std::shared_ptr<Node> node = std::move(buffer.mapped().node);
    Tensor grad = std::move(buffer.mapped().grad);
    if (grad.defined()) grad = node->run_hooks(std::move(grad));
    bool leads_on = targets_.empty();
    if (!leads_on) {
      for (size_t t = 0; t < targets_.size(); ++t) {
        if (targets_[t] == key) captured[t] = grad;
      }
      for (const Edge& edge : node->next_edges())
        leads_on = leads_on || needed_.contains(edge.node.get());
    }
    Grads input_grads;
    if (grad.defined() && leads_on) {
      RunningNode running(node.get());
      input_grads = node->apply(node, grad);
      if (AnomalyMode::is_enabled()) [[unlikely]]
        check_backward_grads(*node, input_grads);
      if (!retain_graph_) node->release();
    }
    const std::vector<Edge>& edges = node->next_edges();
    const GradientRegion* region = node->gradient_region();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& edge = edges[i];
      if (!needed_.contains(edge.node.get())) continue;
      Tensor input_grad = i < input_grads.size() ? std::move(input_grads[i]) : Tensor();
      if (input_grad.defined() && region != nullptr) {
        add_region_gradient(edge, input_grad, *region);
      } else {
        add_gradient(edge.node, input_grad.defined() ? reduce_to_input(std::move(input_grad), edge)
                                                     : Tensor());
      }
      if (--dependencies_[edge.node.get()] == 0) ready.push(edge.node.get());
    }
  }
  return captured;
}

Edge root_edge(const Tensor& output, size_t index) {
  KILN_CHECK(output.defined(), "backward: output ", index, " is an undefined tensor");
  Edge edge = gradient_edge(output);
  KILN_CHECK(edge.node != nullptr, "backward: output ", index,
             " does not require grad and has no grad_fn; nothing to differentiate (was it "
             "computed under NoGradGuard, or from tensors without requires_grad_()?)");
  return edge;
}

Tensor root_gradient(const Tensor& output, const std::vector<Tensor>& grad_outputs, size_t i) {
  if (i < grad_outputs.size() && grad_outputs[i].defined()) {
    const Tensor& grad = grad_outputs[i];
    KILN_CHECK(grad.shape() == output.shape(), "backward: gradient of shape ", grad.shape(),
               " for output ", i, " of shape ", output.shape());
    KILN_CHECK(grad.device() == output.device(), "backward: gradient on ", grad.device(),
               " for output ", i, " on ", output.device());
    return grad;
  }
  KILN_CHECK(output.numel() == 1, "backward: output ", i, " has shape ", output.shape(),
             "; a gradient can be implied only for a one-element output, so pass one");
  return ones(output.shape(), {.dtype = output.dtype(), .device = output.device()});
}

std::vector<Tensor> run(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
                        bool retain_graph, bool create_graph, std::vector<const Node*> targets) {
  KILN_CHECK(grad_outputs.empty() || grad_outputs.size() == outputs.size(),
             "backward: ", grad_outputs.size(), " gradients for ", outputs.size(), " outputs");
  std::vector<Edge> roots;
  std::vector<Tensor> root_grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    roots.push_back(root_edge(outputs[i], i));
    root_grads.push_back(root_gradient(outputs[i], grad_outputs, i));
  }
  AutoGradMode mode(create_graph);
  return GraphTask(retain_graph, std::move(targets)).run(roots, std::move(root_grads));
}

}  // namespace

const Node* running_node() {
  return current_node;
}

}  // namespace autograd

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
              bool retain_graph, bool create_graph) {
  autograd::run(outputs, grad_outputs, retain_graph || create_graph, create_graph, {});
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, std::optional<bool> retain_graph,
                         bool create_graph, bool allow_unused) {
  KILN_CHECK(!inputs.empty(), "grad: no inputs to differentiate with respect to");
  std::vector<const autograd::Node*> targets;
  for (size_t i = 0; i < inputs.size(); ++i) {
    KILN_CHECK(inputs[i].defined(), "grad: input ", i, " is an undefined tensor");
    const autograd::Edge edge = autograd::gradient_edge(inputs[i]);
    KILN_CHECK(edge.node != nullptr, "grad: input ", i, " of shape ", inputs[i].shape(),
               " does not require grad; call requires_grad_() on it before computing outputs");
    targets.push_back(edge.node.get());
  }
  std::vector<Tensor> grads = autograd::run(
      outputs, grad_outputs, retain_graph.value_or(create_graph), create_graph, std::move(targets));
  for (size_t i = 0; i < grads.size(); ++i) {
    KILN_CHECK(grads[i].defined() || allow_unused, "grad: input ", i, " of shape ",
               inputs[i].shape(),
               " was not used to compute the outputs; pass allow_unused=true to get an "
               "undefined gradient for it");
  }
  return grads;
}

}  // namespace kiln
