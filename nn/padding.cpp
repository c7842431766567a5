#include "nn/padding.h"

#include <algorithm>

#include "autograd/formulas.h"
#include "autograd/functions.h"
#include "tensor/creation.h"

namespace kiln::nn::functional {

namespace {

using Pads = std::vector<std::pair<int64_t, int64_t>>;

int first_padded_dim(const Tensor& input, const Pads& pads) {
  return input.dim() - static_cast<int>(pads.size());
}

// Throws unless dim d keeps at least `least` elements once padded.
void check_size_left(const Tensor& input, int d, std::pair<int64_t, int64_t> pad, PadMode mode,
                     int64_t least) {
  const int64_t left = input.size(d) + pad.first + pad.second;
  KILN_CHECK(left >= least, "pad: ", pad_mode_name(mode), " padding (", pad.first, ", ", pad.second,
             ") leaves dim ", d, " of shape ", input.shape(), " with ", left,
             " elements, fewer than ", least);
}

void check_constant_pads(const Tensor& input, const Pads& pads) {
  KILN_CHECK(pads.size() <= static_cast<size_t>(input.dim()), "pad: ", pads.size(),
             " padded dims for a tensor of shape ", input.shape());
  const int first = first_padded_dim(input, pads);
  for (size_t i = 0; i < pads.size(); ++i) {
    check_size_left(input, first + static_cast<int>(i), pads[i], PadMode::Constant, 0);
  }
}

// Reflect needs pads smaller than the dim, and leaves at least one element as replicate
// does; circular may leave none but wraps around at most once.
void check_copy_pad_of_dim(const Tensor& input, int d, std::pair<int64_t, int64_t> pad,
                           PadMode mode) {
  const auto [before, after] = pad;
  const int64_t size = input.size(d);
  if (mode == PadMode::Reflect) {
    KILN_CHECK(before < size && after < size, "pad: reflect padding (", before, ", ", after,
               ") of dim ", d, " must be smaller than its size ", size);
  }
  check_size_left(input, d, pad, mode, mode == PadMode::Circular ? 0 : 1);
  if (mode != PadMode::Circular) return;
  const int64_t kept = size - std::max<int64_t>(-before, 0) - std::max<int64_t>(-after, 0);
  KILN_CHECK(before <= kept && after <= kept, "pad: circular padding (", before, ", ", after,
             ") of dim ", d, " of size ", size,
             " wraps around more than once: a pad may add at most the size left after cropping, ",
             std::max<int64_t>(kept, 0));
}

// PyTorch's rules for the modes that copy input elements.
void check_copy_pads(const Tensor& input, const Pads& pads, PadMode mode, double value) {
  const char* name = pad_mode_name(mode);
  KILN_CHECK(value == 0, "pad: mode ", name, " takes no value, got ", value);
  const int padded = static_cast<int>(pads.size());
  KILN_CHECK(padded >= 1 && padded <= 3 && input.dim() >= padded + 1 && input.dim() <= padded + 2,
             "pad: mode ", name,
             " pads 1 to 3 trailing dims of an input with 1 or 2 more dims, got ", padded,
             " padded dims for shape ", input.shape());
  if (mode != PadMode::Circular) {
    for (int d = input.dim() == padded + 2 ? 1 : 0; d < input.dim(); ++d) {
      KILN_CHECK(input.size(d) > 0, "pad: mode ", name,
                 " needs every dim but the batch dim non-empty, got shape ", input.shape());
    }
  }
  const int first = first_padded_dim(input, pads);
  for (int i = 0; i < padded; ++i) check_copy_pad_of_dim(input, first + i, pads[i], mode);
}

// The negative pads cropped off with narrow.
Tensor crop(const Tensor& input, const Pads& pads) {
  Tensor out = input;
  const int first = first_padded_dim(input, pads);
  for (size_t i = 0; i < pads.size(); ++i) {
    const int64_t start = std::max<int64_t>(-pads[i].first, 0);
    const int64_t end_crop = std::max<int64_t>(-pads[i].second, 0);
    if (start == 0 && end_crop == 0) continue;
    const int d = first + static_cast<int>(i);
    out = out.narrow(d, start, out.size(d) - start - end_crop);
  }
  return out;
}

// Zeros added for the positive pads (negative ones are ignored), differentiable (index_add
// into zeros).
Tensor zero_pad(const Tensor& input, const Pads& pads) {
  Tensor out = input;
  const int first = first_padded_dim(input, pads);
  for (size_t i = 0; i < pads.size(); ++i) {
    const int64_t before = std::max<int64_t>(pads[i].first, 0);
    const int64_t after = std::max<int64_t>(pads[i].second, 0);
    if (before == 0 && after == 0) continue;
    const int d = first + static_cast<int>(i);
    Shape shape = out.shape();
    shape[d] += before + after;
    out = autograd::scatter_into_zeros(out, shape, d,
                                       autograd::index_range(before, out.size(d), 1, out.device()));
  }
  return out;
}

Tensor constant_pad(const Tensor& input, const Pads& pads, double value) {
  const Tensor cropped = crop(input, pads);
  const Tensor padded = zero_pad(cropped, pads);
  if (value == 0) return padded;
  // Elsewhere than zero, the padding is written with where (an add would give inf - inf).
  const Tensor ones_in = ones(cropped.shape(), {.dtype = kFloat32, .device = input.device()});
  const Tensor inside = ne(zero_pad(ones_in, pads), 0.0);
  return where(inside, padded,
               scalar_tensor(value, {.dtype = input.dtype(), .device = input.device()}));
}

// The input position each position of a padded dim of `size` elements copies. Position j is
// p = j - before from the input's first element. Reflect mirrors p about 0 and size - 1;
// replicate clamps it; circular wraps it into the kept (uncropped) elements, modulo their
// count. Reflect and replicate thus pad from the input's edges before cropping, circular
// after, as PyTorch.
std::vector<int64_t> source_positions(int64_t size, std::pair<int64_t, int64_t> pad, PadMode mode) {
  const auto [before, after] = pad;
  const int64_t kept_start = std::max<int64_t>(-before, 0);
  const int64_t kept = size - kept_start - std::max<int64_t>(-after, 0);
  std::vector<int64_t> positions(size + before + after);
  for (int64_t j = 0; j < static_cast<int64_t>(positions.size()); ++j) {
    const int64_t p = j - before;
    if (mode == PadMode::Reflect) {
      positions[j] = p < 0 ? -p : p < size ? p : 2 * (size - 1) - p;
    } else if (mode == PadMode::Replicate) {
      positions[j] = std::clamp<int64_t>(p, 0, size - 1);
    } else {
      positions[j] = kept_start + ((p - kept_start) % kept + kept) % kept;
    }
  }
  return positions;
}

// Reflect, replicate and circular: one index_select per padded dim.
Tensor copy_pad(const Tensor& input, const Pads& pads, PadMode mode) {
  Tensor out = input;
  const int first = first_padded_dim(input, pads);
  for (size_t i = 0; i < pads.size(); ++i) {
    if (pads[i].first == 0 && pads[i].second == 0) continue;
    const int d = first + static_cast<int>(i);
    const std::vector<int64_t> positions = source_positions(out.size(d), pads[i], mode);
    const Tensor index = from_vector(positions, {static_cast<int64_t>(positions.size())},
                                     {.dtype = kInt64, .device = input.device()});
    out = index_select(out, d, index);
  }
  return out;
}

}  // namespace

const char* pad_mode_name(PadMode mode) {
  switch (mode) {
    case PadMode::Constant:
      return "constant";
    case PadMode::Reflect:
      return "reflect";
    case PadMode::Replicate:
      return "replicate";
    case PadMode::Circular:
      return "circular";
  }
  return "unknown";
}

Tensor pad(const Tensor& input, const Pads& pads, double value) {
  return pad(input, pads, PadMode::Constant, value);
}

Tensor pad(const Tensor& input, const Pads& pads, PadMode mode, double value) {
  if (mode == PadMode::Constant) {
    check_constant_pads(input, pads);
    return constant_pad(input, pads, value);
  }
  check_copy_pads(input, pads, mode, value);
  return copy_pad(input, pads, mode);
}

}  // namespace kiln::nn::functional
