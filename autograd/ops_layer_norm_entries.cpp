// Registry entry of layer_norm (autograd/ops_layer_norm.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(
      {.op = Op::layer_norm,
       .samples =
           [](Generator& g) {
             return std::vector<OpSample>{
                 {"weight and bias",
                  {leaf(normal(g, {3, 4})), leaf(normal(g, {4})), leaf(normal(g, {4}))},
                  [](const V& v) { return layer_norm(v[0], v[1], v[2]); }},
                 {"no affine, [2, 3, 5]",
                  {leaf(normal(g, {2, 3, 5}))},
                  [](const V& v) { return layer_norm(v[0], {}, {}); }},
                 {"weight only, eps 0.1",
                  {leaf(normal(g, {2, 4})), leaf(normal(g, {4}))},
                  [](const V& v) { return layer_norm(v[0], v[1], {}, 0.1); }}};
           },
       .flops_per_element = 8});
}

const OpEntryRegistrar registrar(add_entries);

const BenchmarkRegistrar benchmarks({
    {Op::layer_norm,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, {shape[1]}), normal(g, {shape[1]})},
                        [](const V& v) { return layer_norm(v[0], v[1], v[2]); })};
     }},
});

}  // namespace

}  // namespace kiln::autograd
