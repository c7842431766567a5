// Registry entry of batch_norm_training (autograd/ops_batch_norm_training.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/ops_batch_norm_training.h"

namespace kiln::autograd {

namespace {

using namespace samples;

Tensor normalised(const V& v, double eps = 1e-5) {
  return batch_norm_training(v[0], v.size() > 1 ? v[1] : Tensor(), v.size() > 2 ? v[2] : Tensor(),
                             eps)
      .output;
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(
      {.op = Op::batch_norm_training,
       .samples =
           [](Generator& g) {
             return std::vector<OpSample>{
                 {"[4, 3, 2], weight and bias",
                  {leaf(normal(g, {4, 3, 2})), leaf(normal(g, {3})), leaf(normal(g, {3}))},
                  [](const V& v) { return normalised(v); }},
                 {"[5, 3], no affine",
                  {leaf(normal(g, {5, 3}))},
                  [](const V& v) { return normalised(v); }},
                 {"[2, 3, 2, 2], weight only, eps 0.1",
                  {leaf(normal(g, {2, 3, 2, 2})), leaf(normal(g, {3}))},
                  [](const V& v) { return normalised(v, 0.1); }},
                 {"channels last: [2, 3, 4] read in place from [2, 4, 3]",
                  {leaf(normal(g, {2, 4, 3}).transpose(1, 2)), leaf(normal(g, {3})),
                   leaf(normal(g, {3}))},
                  [](const V& v) { return normalised(v); }},
                 {"neither layout: every other step of [3, 2, 6]",
                  {leaf(normal(g, {3, 2, 6}).slice(2, 0, 6, 2)), leaf(normal(g, {2})),
                   leaf(normal(g, {2}))},
                  [](const V& v) { return normalised(v); }}};
           },
       .flops_per_element = 8});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::batch_norm_training,
     {
         {"BatchNormTrainingOneDim",
          [] { batch_norm_training(f32({4}), {}, {}, 1e-5); },
          {"batch_norm_training: expects [N, C, ...]", "[4]"}},
         {"BatchNormTrainingOneValuePerChannel",
          [] {
            batch_norm_training(f32({1, 3}), {}, {}, 1e-5);
          },
          {"batch_norm_training: needs more than one value per channel", "[1, 3]"}},
         {"BatchNormTrainingWeightShape",
          [] {
            batch_norm_training(f32({4, 3}), f32({4}), {}, 1e-5);
          },
          {"batch_norm_training: weight of shape [4]", "3 channels"}},
     }},
});

const BenchmarkRegistrar benchmarks({
    {Op::batch_norm_training,
     [](Generator& g, BenchSize size) {
       const Shape shape = by_size<Shape>(size, {2, 16, 16, 16}, {16, 64, 64, 64});
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, {shape[1]}), normal(g, {shape[1]})},
                        [](const V& v) { return normalised(v); })};
     }},
});

}  // namespace

}  // namespace kiln::autograd
