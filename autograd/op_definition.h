#pragma once

// What the differentiable op definitions (autograd/ops_*.cpp) share: the recording
// machinery, the raw ops they wrap, the formulas' helpers. Not for other includers: it
// brings autograd's helper names into namespace kiln.
#include "autograd/formulas.h"
#include "autograd/function_node.h"
#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace kiln {

using autograd::any_requires_grad;
using autograd::BackwardContext;
using autograd::exclusive_cumprod_last;
using autograd::expand_reduced;
using autograd::flip;
using autograd::GradientRegion;
using autograd::Grads;
using autograd::keep_where;
using autograd::Op;
using autograd::pad_to;
using autograd::record;
using autograd::Save;
using autograd::SavedTensor;
using autograd::scatter_into_zeros;

}  // namespace kiln
