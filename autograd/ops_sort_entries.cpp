// Registry entries of sort and topk (autograd/ops_sort.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(along_entry(
      Op::sort, Domain::Real, [](const Tensor& x, int64_t d) { return sort(x, d, d == 0).first; }));
  entries.push_back(
      {.op = Op::topk, .samples = [](Generator& g) {
         return variants(
             g,
             {{"2 largest along dim 1", {3, 5}, [](const V& v) { return topk(v[0], 2, 1).first; }},
              {"3 smallest along dim 0",
               {4, 3},
               [](const V& v) { return topk(v[0], 3, 0, false).first; },
               true}});
       }});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::sort,
     {
         {"SortDimOutOfRange", [] { sort(f32({2}), 1); }, {"sort: dim 1 is out of range"}},
     }},
    {Op::topk,
     {
         {"TopkKTooLarge",
          [] { topk(f32({4}), 5); },
          {"topk: k = 5 is out of range for dim 0 of size 4"}},
         {"TopkNegativeK",
          [] {
            topk(f32({2, 4}), -1, 0);
          },
          {"topk: k = -1 is out of range for dim 0 of size 2"}},
     }},
});

const BenchmarkRegistrar benchmarks({
    {Op::topk,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return topk(v[0], 8, 1).first; });
     }},
});

}  // namespace

}  // namespace kiln::autograd
