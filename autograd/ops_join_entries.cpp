// Registry entries of cat, stack, split and chunk (autograd/ops_join.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(variants_entry(
      CompositeOp::split, {{"sizes of 2", {3, 5}, [](const V& v) { return v[0].split(2, 1)[1]; }},
                           {"listed sizes", {5, 2}, [](const V& v) {
                              return split(v[0], {1, 4}, 0)[1];
                            }}}));
  entries.push_back(variants_entry(
      CompositeOp::chunk, {{"3 chunks", {7, 2}, [](const V& v) { return v[0].chunk(3, 0)[2]; }}}));

  entries.push_back({.op = Op::cat,
                     .samples =
                         [](Generator& g) {
                           return std::vector<OpSample>{
                               {"dim 0",
                                {leaf(normal(g, {2, 3})), leaf(normal(g, {1, 3}))},
                                [](const V& v) {
                                  return cat({v[0], v[1]}, 0);
                                }},
                               {"dim -1, with a constant",
                                {leaf(normal(g, {2, 3})), normal(g, {2, 2})},
                                [](const V& v) {
                                  return cat({v[0], v[1], v[0]}, -1);
                                }},
                               {"with an empty 1-D tensor",
                                {leaf(normal(g, {2, 3})), leaf(normal(g, {0}))},
                                [](const V& v) {
                                  return cat({v[1], v[0]}, 0);
                                }}};
                         },
                     .flops_per_element = 0});
  entries.push_back(
      {.op = Op::stack,
       .samples =
           [](Generator& g) {
             return std::vector<OpSample>{
                 {"dim 0",
                  {leaf(normal(g, {2, 3})), leaf(normal(g, {2, 3}))},
                  [](const V& v) {
                    return stack({v[0], v[1]}, 0);
                  }},
                 {"dim -1", {leaf(normal(g, {3})), leaf(normal(g, {3}))}, [](const V& v) {
                    return stack({v[0], v[1], v[0]}, -1);
                  }}};
           },
       .flops_per_element = 0});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::cat,
     {
         {"CatMismatchedShapes",
          [] {
            cat({f32({2, 3}), f32({2, 4})}, 0);
          },
          {"cat: tensor 1 has shape [2, 4] but tensor 0 has shape [2, 3]", "except in dim 0"}},
         {"CatMismatchedRanks",
          [] {
            cat({f32({2, 3}), f32({3})});
          },
          {"cat: tensor 1 has shape [3]", "[2, 3]", "ranks differ"}},
         {"CatEmptyList", [] { cat(std::vector<Tensor>{}); }, {"cat: expected a non-empty list"}},
         {"CatZeroDimTensors",
          [] {
            cat({scalar_tensor(1.0), scalar_tensor(2.0)});
          },
          {"cat: zero-dimensional tensors cannot be concatenated"}},
         {"CatDimOutOfRange",
          [] {
            cat({f32({2}), f32({2})}, 1);
          },
          {"cat: dim 1 is out of range"}},
     }},
    {Op::stack,
     {
         {"StackMismatchedShapes",
          [] {
            stack({f32({2}), f32({3})});
          },
          {"stack: tensor 1 has shape [3] but tensor 0 has shape [2]"}},
         {"StackDimOutOfRange",
          [] {
            stack({f32({2}), f32({2})}, 3);
          },
          {"stack: dim 3 is out of range", "2 dimension(s)"}},
         {"StackEmptyList",
          [] { stack(std::vector<Tensor>{}); },
          {"stack: expected a non-empty list"}},
     }},
    {CompositeOp::split,
     {
         {"SplitSizesNotSumming",
          [] {
            split(f32({4}), std::vector<int64_t>{1, 2});
          },
          {"split: section sizes add up to 3 but dim 0 has size 4"}},
         {"SplitNegativeSection",
          [] {
            split(f32({4}), std::vector<int64_t>{5, -1});
          },
          {"split: section sizes must be non-negative, got -1"}},
         {"SplitSizeZero",
          [] { f32({4}).split(0); },
          {"split: split_size must be positive, got 0"}},
         {"SplitZeroDim",
          [] { scalar_tensor(1.0).split(1); },
          {"split: cannot split a 0-dim tensor"}},
     }},
    {CompositeOp::chunk,
     {
         {"ChunkZeroChunks",
          [] { f32({4}).chunk(0); },
          {"chunk: number of chunks must be positive, got 0"}},
     }},
});

// cat and stack copy; split and chunk are views, timed on their check samples.
const BenchmarkRegistrar benchmarks({
    {Op::cat,
     [](Generator& g, BenchSize size) {
       return bench_binary(g, size, Domain::Real, Domain::Real, [](const V& v) {
         return cat({v[0], v[1]}, 0);
       });
     }},
    {Op::stack,
     [](Generator& g, BenchSize size) {
       return bench_binary(g, size, Domain::Real, Domain::Real, [](const V& v) {
         return stack({v[0], v[1]}, 0);
       });
     }},
});

}  // namespace

}  // namespace kiln::autograd
