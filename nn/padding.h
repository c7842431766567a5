#pragma once

// Padding of the trailing dims (torch.nn.functional.pad), built from differentiable ops:
// narrow crops, index_add places the input in a constant, and index_select copies the
// reflected, replicated or wrapped elements, so the gradients come from those ops.
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace kiln::nn::functional {

// What the new elements hold: a constant, the input mirrored about its edge elements
// (which are not repeated), the edge elements repeated, or the input wrapped around.
enum class PadMode { Constant, Reflect, Replicate, Circular };

// PyTorch's name of the mode: "constant", "reflect", "replicate" or "circular".
const char* pad_mode_name(PadMode mode);

// pads[i] = {before, after} for dim -(pads.size()) + i; a negative pad crops.
// Constant mode pads any number of trailing dims with `value`.
// The other modes take PyTorch's rules: they pad 1 to 3 trailing dims of an input with one
// or two more dims ([C, *spatial] or [N, C, *spatial]) and take no value. Reflect and
// replicate pad from the input's own edges and then crop (so reflect needs pads smaller
// than the dim, and both leave at least one element); circular crops first and then wraps
// what is left, at most once around.
Tensor pad(const Tensor& input, const std::vector<std::pair<int64_t, int64_t>>& pads,
           double value = 0);
Tensor pad(const Tensor& input, const std::vector<std::pair<int64_t, int64_t>>& pads, PadMode mode,
           double value = 0);

}  // namespace kiln::nn::functional
