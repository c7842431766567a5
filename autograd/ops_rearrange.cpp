// Ops that rearrange or repeat elements, composed from index_select, cat, expand and
// reshape, whose recorded nodes give the gradients (a repeated element's gradients sum).
#include <numeric>

#include "autograd/functions.h"
#include "tensor/creation.h"

namespace kiln {

namespace {

// int64 indices on x's device.
Tensor index_tensor(const std::vector<int64_t>& values, const Tensor& like) {
  return from_vector(values, {static_cast<int64_t>(values.size())},
                     {.dtype = kInt64, .device = like.device()});
}

// x repeated `times` times as a block along dim: [.., s, ..] -> [.., times * s, ..].
Tensor repeat_along(const Tensor& x, int dim, int64_t times) {
  Shape expanded = x.unsqueeze(dim).shape();
  expanded[dim] = times;
  return x.unsqueeze(dim).expand(expanded).flatten(dim, dim + 1);
}

// As PyTorch, the result is always a new tensor: one that is still x, or a view of it (no
// dim flipped, every shift or repeat a no-op), is copied.
Tensor fresh(const Tensor& out, const Tensor& x) {
  return out.shares_storage(x) ? out.clone() : out;
}

void check_repeats(const std::vector<int64_t>& repeats, const char* op) {
  for (int64_t r : repeats) KILN_CHECK(r >= 0, op, ": repeats must be non-negative, got ", r);
}

}  // namespace

Tensor flip(const Tensor& x, const Dims& dims) {
  Tensor out = x;
  std::vector<bool> seen(std::max(x.dim(), 1));
  for (int64_t d : dims) {
    const int dim = wrap_dim(d, x.dim(), "flip");
    KILN_CHECK(!seen[dim], "flip: dim ", dim, " appears more than once in ", dims);
    seen[dim] = true;
    if (x.dim() == 0) continue;
    std::vector<int64_t> reversed(x.size(dim));
    std::iota(reversed.rbegin(), reversed.rend(), 0);
    out = out.index_select(dim, index_tensor(reversed, x));
  }
  return fresh(out, x);
}

Tensor roll(const Tensor& x, const std::vector<int64_t>& shifts, const Dims& dims) {
  if (dims.empty()) {
    KILN_CHECK(shifts.size() == 1, "roll: without dims, give one shift, got ", shifts.size());
    return roll(x.flatten(), shifts, {0}).view(x.shape());
  }
  KILN_CHECK(shifts.size() == static_cast<size_t>(dims.size()), "roll: ", shifts.size(),
             " shifts for ", dims.size(), " dims");
  Tensor out = x;
  for (int i = 0; i < dims.size(); ++i) {
    const int dim = wrap_dim(dims[i], x.dim(), "roll");
    const int64_t size = x.dim() == 0 ? 1 : x.size(dim);
    if (size == 0 || x.dim() == 0) continue;
    const int64_t shift = ((shifts[i] % size) + size) % size;
    if (shift == 0) continue;
    out = cat({out.narrow(dim, size - shift, shift), out.narrow(dim, 0, size - shift)}, dim);
  }
  return fresh(out, x);
}

Tensor repeat(const Tensor& x, const std::vector<int64_t>& repeats) {
  KILN_CHECK(repeats.size() >= static_cast<size_t>(x.dim()), "repeat: ", repeats.size(),
             " repeats for a tensor of ", x.dim(), " dims; give at least one per dim");
  check_repeats(repeats, "repeat");
  Tensor out = x;
  while (out.dim() < static_cast<int>(repeats.size())) out = out.unsqueeze(0);
  for (int dim = 0; dim < out.dim(); ++dim) {
    if (repeats[dim] != 1) out = repeat_along(out, dim, repeats[dim]);
  }
  return fresh(out, x);
}

Tensor tile(const Tensor& x, std::vector<int64_t> repeats) {
  if (repeats.size() < static_cast<size_t>(x.dim())) {
    repeats.insert(repeats.begin(), x.dim() - repeats.size(), 1);
  }
  return repeat(x, repeats);
}

Tensor repeat_interleave(const Tensor& x, int64_t repeats, std::optional<int64_t> dim) {
  check_repeats({repeats}, "repeat_interleave");
  if (!dim) return repeat_interleave(x.flatten(), repeats, 0);
  const int d = wrap_dim(*dim, x.dim(), "repeat_interleave");
  if (x.dim() == 0) return repeat_interleave(x.flatten(), repeats, 0);
  Shape expanded = x.unsqueeze(d + 1).shape();
  expanded[d + 1] = repeats;
  return fresh(x.unsqueeze(d + 1).expand(expanded).flatten(d, d + 1), x);
}

Tensor repeat_interleave(const Tensor& x, const Tensor& repeats, std::optional<int64_t> dim) {
  KILN_CHECK(repeats.dtype() == kInt64 && repeats.dim() <= 1,
             "repeat_interleave: repeats must be an int64 scalar or vector, got ",
             dtype_name(repeats.dtype()), " of shape ", repeats.shape());
  if (!dim) return repeat_interleave(x.flatten(), repeats, 0);
  const int d = wrap_dim(*dim, x.dim(), "repeat_interleave");
  const Tensor flat = x.dim() == 0 ? x.flatten() : x;
  const std::vector<int64_t> counts = repeats.to(kCPU).to_vector<int64_t>();
  if (counts.size() == 1) return repeat_interleave(flat, counts[0], d);
  KILN_CHECK(static_cast<int64_t>(counts.size()) == flat.size(d),
             "repeat_interleave: ", counts.size(), " repeats for dim ", d, " of size ",
             flat.size(d));
  check_repeats(counts, "repeat_interleave");
  std::vector<int64_t> index;
  for (int64_t i = 0; i < static_cast<int64_t>(counts.size()); ++i) {
    index.insert(index.end(), counts[i], i);
  }
  return flat.index_select(d, index_tensor(index, flat));
}

}  // namespace kiln
