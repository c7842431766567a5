// Registry entries of the in-place ops (autograd/ops_in_place.cpp), run on a non-leaf copy.
#include "autograd/functions.h"
#include "autograd/registry/samples.h"

namespace kiln::autograd {

namespace {

using namespace samples;
using V = std::vector<Tensor>;

// In-place ops act on a non-leaf copy, so that autograd may record them.
Tensor copy_of(const Tensor& x) {
  return x * 1;
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(binary_entry(Op::add_, Domain::Real, Domain::Real, [](const V& v) {
    Tensor y = copy_of(v[0].expand(broadcast_shapes(v[0].shape(), v[1].shape(), "add_")));
    return y.add_(v[1]);
  }));
  entries.push_back(binary_entry(Op::mul_, Domain::Real, Domain::Real, [](const V& v) {
    Tensor y = copy_of(v[0].expand(broadcast_shapes(v[0].shape(), v[1].shape(), "mul_")));
    return y.mul_(v[1]);
  }));
  entries.push_back(unary_entry(Op::fill_, Domain::Real, [](const V& v) {
    Tensor y = copy_of(v[0]);
    return y.fill_(2.0);
  }));
  entries.push_back(binary_entry(Op::copy_, Domain::Real, Domain::Real, [](const V& v) {
    Tensor y = copy_of(v[0].expand(broadcast_shapes(v[0].shape(), v[1].shape(), "copy_")));
    return y.copy_(v[1]);
  }));
}

const OpEntryRegistrar registrar(add_entries);

}  // namespace

}  // namespace kiln::autograd
