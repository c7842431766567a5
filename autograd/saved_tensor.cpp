#include "autograd/saved_tensor.h"

#include "autograd/engine.h"
#include "autograd/node.h"

namespace kiln::autograd {

const Tensor& SavedTensor::get() const {
  if (tensor_.defined() && tensor_.version() != version_) {
    const Node* node = running_node();
    throw Error(std::string(node != nullptr ? node->name() : "backward") +
                ": a tensor saved for its backward pass was modified by an in-place op "
                "(saved at version " +
                std::to_string(version_) + ", now version " + std::to_string(tensor_.version()) +
                "); use the out-of-place op, or modify a clone()");
  }
  return tensor_;
}

}  // namespace kiln::autograd
