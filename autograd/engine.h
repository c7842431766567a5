#pragma once

#include <optional>
#include <vector>

#include "tensor/tensor.h"

namespace kiln {

// Back-propagates from `outputs`, seeded with `grad_outputs` (one per output; an undefined
// or missing entry means ones, allowed for one-element outputs only), accumulating into
// the grad() of every leaf reached.
void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs = {},
              bool retain_graph = false, bool create_graph = false);

// The gradients of `outputs` with respect to `inputs`, returned instead of accumulated
// (torch.autograd.grad). Only the part of the graph between them runs. retain_graph
// defaults to create_graph; an input the outputs do not depend on is an error unless
// allow_unused, which returns an undefined tensor for it.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {},
                         std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                         bool allow_unused = false);

namespace autograd {
class Node;
// The node whose backward formula is running on this thread, or null.
const Node* running_node();
}  // namespace autograd

}  // namespace kiln
