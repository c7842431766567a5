#pragma once

// The machinery behind every differentiable op: a node holding the op's backward formula
// as a lambda, and record(), which wires a raw op's result into the graph. An op reads:
//
//   Tensor exp(const Tensor& x) {
//     Tensor result = raw::exp(x);
//     if (!any_requires_grad(x)) return result;
//     return record(Op::exp, result, {x}, [](const BackwardContext& ctx) -> Grads {
//       return {ctx.grad() * ctx.result()};
//     }, Save::Result);
//   }
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "autograd/autograd_meta.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/op_list.h"
#include "autograd/saved_tensor.h"

namespace kiln::autograd {

class BackwardContext {
 public:
  BackwardContext(const std::shared_ptr<Node>& self, const Tensor& grad, const SavedTensor& result)
      : self_(self), grad_(grad), result_(result) {}

  // The gradient with respect to the op's output.
  const Tensor& grad() const { return grad_; }
  // The op's output (recorded with Save::Result), connected to this node when the backward
  // pass is itself being recorded.
  Tensor result() const;
  bool needs_grad(size_t input) const { return self_->needs_input_grad(input); }

 private:
  const std::shared_ptr<Node>& self_;
  const Tensor& grad_;
  const SavedTensor& result_;
};

class FunctionNode : public Node {
 public:
  using Node::Node;
  Grads apply(const std::shared_ptr<Node>& self, const Tensor& grad) final;
  void release() final;
  void save_result(const Tensor& result) { result_ = SavedTensor(alias_of(result)); }

 protected:
  virtual Grads backward(const BackwardContext& ctx) = 0;
  virtual void release_captures() = 0;

 private:
  SavedTensor result_;
  bool released_ = false;
};

template <typename Backward>
class LambdaNode final : public FunctionNode {
 public:
  LambdaNode(const char* name, Backward backward)
      : FunctionNode(name), backward_(std::move(backward)) {}

 protected:
  Grads backward(const BackwardContext& ctx) override { return (*backward_)(ctx); }
  void release_captures() override { backward_.reset(); }

 private:
  std::optional<Backward> backward_;
};

inline bool requires_grad(const Tensor& tensor) {
  const AutogradMeta* meta = meta_of(tensor);
  return meta != nullptr && meta->requires_grad;
}

// True when grad mode is on and one of the tensors requires grad: the op must record.
template <typename... Tensors>
bool any_requires_grad(const Tensors&... tensors) {
  return GradMode::is_enabled() && (... || requires_grad(tensors));
}
bool any_requires_grad(std::span<const Tensor> tensors);

enum class Save { Nothing, Result };

// Sees each op as it is recorded, on the thread that records it: the step cost meter
// (autograd/registry/step_cost.h) sums the registry's cost model over a training step so.
class RecordObserver {
 public:
  virtual ~RecordObserver() = default;
  // `node` has its edges: node.needs_input_grad(i) says which inputs backward differentiates.
  virtual void recorded(const Node& node, std::span<const Tensor> inputs, const Tensor& result) = 0;
};

// Makes `observer` (or none, given null) see this thread's recordings; returns the one before.
RecordObserver* set_record_observer(RecordObserver* observer);

// Makes `result` the output of `node`, whose inputs are `inputs`; returns the result.
Tensor attach(std::shared_ptr<FunctionNode> node, Tensor result, std::span<const Tensor> inputs,
              Save save);

template <typename Backward>
Tensor record(Op op, Tensor result, std::span<const Tensor> inputs, Backward backward,
              Save save = Save::Nothing) {
  return attach(std::make_shared<LambdaNode<Backward>>(op_name(op), std::move(backward)),
                std::move(result), inputs, save);
}
template <typename Backward>
Tensor record(Op op, Tensor result, std::initializer_list<Tensor> inputs, Backward backward,
              Save save = Save::Nothing) {
  return record(op, std::move(result), std::span<const Tensor>(inputs.begin(), inputs.size()),
                std::move(backward), save);
}

}  // namespace kiln::autograd
