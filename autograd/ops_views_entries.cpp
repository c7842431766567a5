// Registry entries of the views and copies (autograd/ops_views.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"

namespace kiln::autograd {

namespace {

using namespace samples;
using V = std::vector<Tensor>;

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

}  // namespace

}  // namespace kiln::autograd
