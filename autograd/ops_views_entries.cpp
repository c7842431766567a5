// Registry entries of the views and copies (autograd/ops_views.cpp).
#include <limits>

#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(variants_entry(
      Op::view, {{"[3, 4] as [2, 6]",
                  {3, 4},
                  [](const V& v) {
                    return v[0].view({2, 6});
                  }},
                 {"[3, 4] as [-1]", {3, 4}, [](const V& v) { return v[0].view({-1}); }},
                 {"0-dim as [1, 1]", {}, [](const V& v) {
                    return v[0].view({1, 1});
                  }}}));
  entries.push_back(variants_entry(
      Op::reshape,
      {{"[3, 4] as [4, 3]",
        {3, 4},
        [](const V& v) {
          return v[0].reshape({4, 3});
        }},
       {"non-contiguous (copies)", {3, 4}, [](const V& v) { return v[0].reshape({12}); }, true}}));
  entries.push_back(variants_entry(Op::permute, {{"[2, 3, 2] (2, 0, 1)",
                                                  {2, 3, 2},
                                                  [](const V& v) {
                                                    return v[0].permute({2, 0, 1});
                                                  }},
                                                 {"negative dims", {2, 3, 2}, [](const V& v) {
                                                    return v[0].permute({-1, -3, -2});
                                                  }}}));
  entries.push_back(variants_entry(Op::transpose, {{"[2, 3, 4] (0, 2)", {2, 3, 4}, [](const V& v) {
                                                      return v[0].transpose(0, 2);
                                                    }}}));
  entries.push_back(variants_entry(
      Op::t, {{"[3, 4]", {3, 4}, [](const V& v) { return v[0].t(); }},
              {"non-contiguous", {3, 4}, [](const V& v) { return v[0].t(); }, true}}));
  entries.push_back(variants_entry(
      Op::narrow, {{"dim 1 of [3, 5]", {3, 5}, [](const V& v) { return v[0].narrow(1, 1, 3); }},
                   {"negative start", {5, 2}, [](const V& v) { return v[0].narrow(0, -3, 2); }}}));
  entries.push_back(variants_entry(
      Op::slice, {{"step 2", {3, 5}, [](const V& v) { return v[0].slice(1, 0, 5, 2); }},
                  {"negative start, non-contiguous",
                   {4, 3},
                   [](const V& v) { return v[0].slice(0, -3); },
                   true},
                  {"empty", {4, 3}, [](const V& v) { return v[0].slice(0, 2, 2); }}}));
  entries.push_back(variants_entry(
      Op::select, {{"dim 1", {3, 4}, [](const V& v) { return v[0].select(1, 2); }},
                   {"negative index", {3, 4}, [](const V& v) { return v[0].select(0, -1); }}}));
  entries.push_back(variants_entry(
      Op::expand, {{"[3, 1] to [2, 3, 4]",
                    {3, 1},
                    [](const V& v) {
                      return v[0].expand({2, 3, 4});
                    }},
                   {"0-dim to [3]", {}, [](const V& v) { return v[0].expand({3}); }}}));
  entries.push_back(variants_entry(
      Op::squeeze, {{"all size-1 dims", {2, 1, 3, 1}, [](const V& v) { return v[0].squeeze(); }},
                    {"dim 1", {2, 1, 3}, [](const V& v) { return v[0].squeeze(1); }}}));
  entries.push_back(variants_entry(
      Op::unsqueeze, {{"dim 1", {2, 3}, [](const V& v) { return v[0].unsqueeze(1); }},
                      {"dim -1", {2, 3}, [](const V& v) { return v[0].unsqueeze(-1); }}}));
  entries.push_back(variants_entry(
      Op::flatten, {{"dims 1..2", {2, 3, 2}, [](const V& v) { return v[0].flatten(1, 2); }},
                    {"non-contiguous", {3, 4}, [](const V& v) { return v[0].flatten(); }, true}}));
  entries.push_back(variants_entry(
      Op::unfold,
      {{"size 3 step 2 of [2, 7]", {2, 7}, [](const V& v) { return v[0].unfold(1, 3, 2); }},
       {"overlapping windows of [6]", {6}, [](const V& v) { return v[0].unfold(0, 2, 1); }},
       {"dim 0 of non-contiguous",
        {4, 3},
        [](const V& v) { return v[0].unfold(0, 2, 2); },
        true}}));
  entries.push_back(variants_entry(
      CompositeOp::contiguous,
      {{"non-contiguous", {3, 4}, [](const V& v) { return v[0].contiguous(); }, true}}));
  entries.push_back(variants_entry(
      Op::clone, {{"[3, 4]", {3, 4}, [](const V& v) { return v[0].clone(); }},
                  {"non-contiguous", {3, 4}, [](const V& v) { return v[0].clone(); }, true}}));
  // Through float32 and back: the numerical Jacobian sees float32 rounding, hence the step.
  OpEntry to = variants_entry(Op::to, {{"float64 to float32 to float64", {3, 4}, [](const V& v) {
                                          return v[0].to(kFloat32).to(kFloat64);
                                        }}});
  to.tolerances = {.eps = 1e-2, .atol = 1e-3, .rtol = 1e-2};
  entries.push_back(std::move(to));
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::transpose,
     {
         {"TransposeDimOutOfRange",
          [] {
            f32({2, 3}).transpose(0, 2);
          },
          {"transpose: dim 2 is out of range", "2 dimension(s)"}},
     }},
    {Op::t,
     {
         {"TOfThreeDims",
          [] {
            f32({2, 3, 4}).t();
          },
          {"t: expects a tensor of at most 2 dimensions", "[2, 3, 4]"}},
     }},
    {Op::select,
     {
         {"SelectDimOutOfRange",
          [] {
            f32({2, 3}).select(2, 0);
          },
          {"select: dim 2 is out of range"}},
         {"SelectIndexOutOfRange",
          [] {
            f32({2, 3}).select(1, 3);
          },
          {"select: index 3 is out of range for dim 1 of size 3"}},
         {"SelectNegativeIndexOutOfRange",
          [] {
            f32({2, 3}).select(0, -3);
          },
          {"select: index -3 is out of range for dim 0 of size 2"}},
         {"SelectFromZeroDim",
          [] { scalar_tensor(1.0).select(0, 0); },
          {"select: cannot select from a 0-dim tensor"}},
     }},
    {Op::narrow,
     {
         {"NarrowDimOutOfRange",
          [] { f32({4}).narrow(1, 0, 1); },
          {"narrow: dim 1 is out of range"}},
         {"NarrowBeyondEnd",
          [] { f32({4}).narrow(0, 2, 3); },
          {"narrow: start 2 + length 3 exceeds dim 0 of size 4"}},
         {"NarrowStartOutOfRange",
          [] { f32({4}).narrow(0, 5, 0); },
          {"narrow: start 5 is out of range for dim 0 of size 4"}},
         {"NarrowNegativeLength",
          [] { f32({4}).narrow(0, 1, -1); },
          {"narrow: start 1 + length -1 exceeds dim 0 of size 4"}},
         {"NarrowLengthOverflow",
          [] { f32({4}).narrow(0, 1, std::numeric_limits<int64_t>::max()); },
          {"narrow: start 1 + length 9223372036854775807 exceeds dim 0 of size 4"}},
     }},
    {Op::unsqueeze,
     {
         {"UnsqueezeDimOutOfRange",
          [] {
            f32({2, 3}).unsqueeze(3);
          },
          {"unsqueeze: dim 3 is out of range"}},
     }},
    {Op::squeeze,
     {
         {"SqueezeDimOutOfRange",
          [] {
            f32({2, 1}).squeeze(2);
          },
          {"squeeze: dim 2 is out of range"}},
     }},
    {Op::flatten,
     {
         {"FlattenStartAfterEnd",
          [] {
            f32({2, 3, 4}).flatten(2, 1);
          },
          {"flatten: start_dim 2 comes after end_dim 1"}},
     }},
    {Op::permute,
     {
         {"PermuteRepeatedDim",
          [] {
            f32({2, 3, 4}).permute({0, 0, 1});
          },
          {"permute: dim 0 repeats in order [0, 0, 1]"}},
         {"PermuteWrongCount",
          [] {
            f32({2, 3, 4}).permute({1, 0});
          },
          {"permute: order [1, 0] has 2 entries", "3 dimension(s)"}},
         {"PermuteDimOutOfRange",
          [] {
            f32({2, 3}).permute({0, 2});
          },
          {"permute: dim 2 is out of range"}},
     }},
    {Op::view,
     {
         {"ViewOnTransposed",
          [] {
            f32({2, 3}).t().view({6});
          },
          {"view: shape [6] is incompatible with the strides [1, 3] of a tensor of shape [3, 2]"}},
         {"ViewWrongNumel",
          [] {
            f32({2, 3}).view({4});
          },
          {"view: shape [4] is invalid for a tensor of 6 elements"}},
         {"ViewTwoInferredDims",
          [] {
            f32({2, 3}).view({-1, -1});
          },
          {"view: only one dimension can be -1, got [-1, -1]"}},
         {"ViewNegativeSize",
          [] {
            f32({4}).view({-2, -2});
          },
          {"view: invalid size -2 in shape [-2, -2]"}},
     }},
    {Op::reshape,
     {
         {"ReshapeWrongNumel",
          [] {
            f32({2, 3}).reshape({5});
          },
          {"reshape: shape [5] is invalid for a tensor of 6 elements"}},
         {"ReshapeTwoInferredDims",
          [] {
            f32({2, 3}).reshape({-1, 2, -1});
          },
          {"reshape: only one dimension can be -1, got [-1, 2, -1]"}},
         {"ReshapeInferredNotDivisible",
          [] {
            f32({2, 3}).reshape({-1, 4});
          },
          {"reshape: shape [-1, 4] is invalid for a tensor of 6 elements"}},
     }},
    {Op::expand,
     {
         {"ExpandIncompatible",
          [] {
            f32({2, 3}).expand({2, 4});
          },
          {"expand: cannot expand shape [2, 3] to [2, 4] (dim 1: 3 to 4)"}},
         {"ExpandFewerDims",
          [] {
            f32({2, 3}).expand({3});
          },
          {"expand: target shape [3] has fewer dimensions than the tensor's shape [2, 3]"}},
         {"ExpandLeadingMinusOne",
          [] {
            f32({3}).expand({-1, 3});
          },
          {"expand: new leading dim 0 cannot be -1"}},
     }},
    {Op::slice,
     {
         {"SliceStepZero",
          [] { f32({4}).slice(0, 0, 4, 0); },
          {"slice: step must be positive, got 0"}},
         {"SliceNegativeStep",
          [] { f32({4}).slice(0, std::nullopt, std::nullopt, -1); },
          {"slice: step must be positive, got -1"}},
         {"SliceZeroDim",
          [] { scalar_tensor(1.0).slice(0); },
          {"slice: cannot slice a 0-dim tensor"}},
     }},
    {Op::unfold,
     {
         {"UnfoldWindowLargerThanDim",
          [] { f32({4}).unfold(0, 5, 1); },
          {"unfold: window size 5 exceeds dim 0 of size 4"}},
         {"UnfoldStepZero",
          [] { f32({4}).unfold(0, 2, 0); },
          {"unfold: step must be positive, got 0"}},
     }},
});

// The copies; views cost the same at any size and are timed on their check samples.
const BenchmarkRegistrar benchmarks({
    {CompositeOp::contiguous,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return v[0].t().contiguous(); });
     }},
    {Op::clone,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return v[0].clone(); });
     }},
    {Op::to,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) {
         return v[0].to(v[0].dtype() == kFloat32 ? kFloat64 : kFloat32);
       });
     }},
});

}  // namespace

}  // namespace kiln::autograd
