// Registry entries of the rearranging ops (autograd/ops_rearrange.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(variants_entry(
      CompositeOp::flip,
      {{"dims (0, 2) of [2, 3, 2]",
        {2, 3, 2},
        [](const V& v) {
          return flip(v[0], {0, 2});
        }},
       {"dim -1, non-contiguous", {3, 4}, [](const V& v) { return v[0].flip({-1}); }, true}}));
  entries.push_back(variants_entry(
      CompositeOp::roll, {{"flat, shift 2", {2, 3}, [](const V& v) { return v[0].roll({2}); }},
                          {"dims (1, 0), shifts (-1, 5)",
                           {3, 4},
                           [](const V& v) {
                             return roll(v[0], {-1, 5}, {1, 0});
                           },
                           true}}));
  entries.push_back(variants_entry(CompositeOp::repeat, {{"(2, 1, 3) of [2, 3]",
                                                          {2, 3},
                                                          [](const V& v) {
                                                            return repeat(v[0], {2, 1, 3});
                                                          }},
                                                         {"(1, 2), non-contiguous",
                                                          {3, 2},
                                                          [](const V& v) {
                                                            return repeat(v[0], {1, 2});
                                                          },
                                                          true}}));
  entries.push_back(variants_entry(
      CompositeOp::tile, {{"(2) of [2, 3]", {2, 3}, [](const V& v) { return v[0].tile({2}); }}}));
  entries.push_back(variants_entry(
      CompositeOp::repeat_interleave,
      {{"2 along dim 1", {2, 3}, [](const V& v) { return repeat_interleave(v[0], 2, 1); }},
       {"flat, 3", {2, 2}, [](const V& v) { return v[0].repeat_interleave(3); }},
       {"counts (0, 2, 1) along dim 0", {3, 2}, [](const V& v) {
          return repeat_interleave(v[0], tensor<int64_t>({0, 2, 1}), 0);
        }}}));
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {CompositeOp::flip,
     {{"FlipRepeatedDim",
       [] {
         flip(f32({2, 3}), {1, -1});
       },
       {"flip: dim 1 appears more than once in [1, -1]"}}}},
    {CompositeOp::roll,
     {{"RollShiftsWithoutDims",
       [] {
         roll(f32({4}), {1, 2});
       },
       {"roll: without dims, give one shift, got 2"}},
      {"RollShiftsAndDimsDiffer",
       [] {
         roll(f32({2, 2}), {1}, {0, 1});
       },
       {"roll: 1 shifts for 2 dims"}}}},
    {CompositeOp::repeat,
     {{"RepeatTooFewRepeats",
       [] {
         repeat(f32({2, 3}), {2});
       },
       {"repeat: 1 repeats for a tensor of 2 dims"}},
      {"RepeatNegative",
       [] { repeat(f32({2}), {-1}); },
       {"repeat: repeats must be non-negative, got -1"}}}},
    {CompositeOp::repeat_interleave,
     {{"RepeatInterleaveCountsMismatch",
       [] {
         repeat_interleave(f32({3}), tensor<int64_t>({1, 2}), 0);
       },
       {"repeat_interleave: 2 repeats for dim 0 of size 3"}},
      {"RepeatInterleaveFloatCounts",
       [] { repeat_interleave(f32({3}), f32({3}), 0); },
       {"repeat_interleave: repeats must be an int64 scalar or vector, got float32"}}}},
});

}  // namespace

}  // namespace kiln::autograd
