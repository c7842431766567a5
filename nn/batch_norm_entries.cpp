// Registry entry of batch normalisation (nn/batch_norm.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/batch_norm.h"
#include "nn/op_list.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(
      Op::batch_norm,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"1-d, training statistics", {leaf(normal(g, {4, 3, 2}))}, [](const V& v) {
               BatchNorm1d norm(3);
               norm.to(v[0].dtype());
               norm.to(v[0].device());
               return norm(v[0]);
             }}};
      },
      8));
}

const OpEntryRegistrar registrar(add_entries);

// Training statistics over [N, C, H, W].
const BenchmarkRegistrar benchmarks({
    {Op::batch_norm,
     [](Generator& g, BenchSize size) {
       const Shape shape = by_size<Shape>(size, {2, 16, 16, 16}, {16, 64, 64, 64});
       auto norm = std::make_shared<BatchNorm2d>(shape[1]);
       return std::vector<OpSample>{bench_sample({normal(g, shape)}, [norm](const V& v) {
         norm->to(v[0].dtype());
         norm->to(v[0].device());
         return (*norm)(v[0]);
       })};
     }},
});

}  // namespace

}  // namespace kiln::nn
