#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

// The public ops: the raw ops of tensor/ops.h made differentiable. Each records its
// backward formula (written in these same ops, so it runs on every device and can itself
// be differentiated) when grad mode is on and an input requires grad; otherwise it is the
// raw op. Integer and bool results (comparisons, argmax, indices) never require grad.
namespace kiln {

#include "tensor/op_declarations.inc"

}  // namespace kiln
