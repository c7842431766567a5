// Registry entries of the in-place ops (autograd/ops_in_place.cpp), run on a non-leaf copy.
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

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

const BadInputRegistrar bad_inputs({
    {Op::copy_,
     {
         {"CopyNotBroadcastable",
          [] {
            f32({2, 3}).copy_(f32({4, 3}));
          },
          {"copy_:", "[2, 3]", "[4, 3]", "not broadcastable"}},
         {"CopySourceLargerThanDestination",
          [] {
            f32({3}).copy_(f32({2, 3}));
          },
          {"copy_: source of shape [2, 3]", "destination's shape [3]"}},
         {"CopyIntoExpandedView",
          [] { f32({1}).expand({3}).copy_(f32({3})); },
          {"copy_: the destination of shape [3] and strides [0] has several elements at one memory "
           "location"}},
     }},
    {Op::fill_,
     {
         {"FillExpandedView",
          [] { f32({1}).expand({3}).fill_(1.0); },
          {"fill_: the destination of shape [3]", "one memory location"}},
     }},
    {Op::add_,
     {
         {"AddInPlaceIntoExpandedView",
          [] { f32({1}).expand({3}).add_(f32({3})); },
          {"add: the destination of shape [3]", "one memory location"}},
         {"AddInPlaceFloatIntoInt",
          [] { i64({2}).add_(f32({2})); },
          {"add: output dtype int64 differs from the result dtype float32"}},
         {"AddInPlaceBroadcastsPastDestination",
          [] {
            f32({3}).add_(f32({2, 3}));
          },
          {"add: output of shape [3] does not match the result's shape [2, 3]"}},
     }},
});

}  // namespace

}  // namespace kiln::autograd
