// Registry entry of binary_cross_entropy_elementwise (autograd/ops_loss.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(
      {.op = Op::binary_cross_entropy_elementwise, .samples = [](Generator& g) {
         const OpCall call = [](const V& v) {
           return binary_cross_entropy_elementwise(v[0], v[1]);
         };
         return std::vector<OpSample>{
             {"[3, 4]",
              {leaf(uniform(g, {3, 4}, 0.05, 0.95)), leaf(uniform(g, {3, 4}, 0, 1))},
              call},
             {"broadcast target",
              {leaf(uniform(g, {2, 3}, 0.05, 0.95)), leaf(uniform(g, {3}, 0, 1))},
              call},
             {"0-dim", {leaf(uniform(g, {}, 0.05, 0.95)), leaf(uniform(g, {}, 0, 1))}, call}};
       }});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::binary_cross_entropy_elementwise,
     {
         {"BinaryCrossEntropyNotBroadcastable",
          [] {
            binary_cross_entropy_elementwise(f32({2, 3}), f32({4}));
          },
          {"binary_cross_entropy_elementwise: shapes [2, 3] and [4] are not broadcastable"}},
     }},
});

const BenchmarkRegistrar benchmarks({
    {Op::binary_cross_entropy_elementwise,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({uniform(g, shape, 0.05, 0.95), uniform(g, shape, 0, 1)},
                        [](const V& v) { return binary_cross_entropy_elementwise(v[0], v[1]); })};
     }},
});

}  // namespace

}  // namespace kiln::autograd
