#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace kiln::autograd {

// A tensor kept for a backward formula, with the storage version it had when saved:
// reading it after an in-place op wrote to it throws instead of giving a wrong gradient.
class SavedTensor {
 public:
  SavedTensor() = default;
  explicit SavedTensor(const Tensor& tensor)
      : tensor_(tensor), version_(tensor.defined() ? tensor.version() : 0) {}

  bool defined() const { return tensor_.defined(); }
  // The saved tensor; throws kiln::Error naming the running backward op if it changed.
  const Tensor& get() const;

 private:
  Tensor tensor_;
  uint64_t version_ = 0;
};

}  // namespace kiln::autograd
