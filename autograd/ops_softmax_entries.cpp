// Registry entries of softmax and log_softmax (autograd/ops_softmax.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  for (Op op : {Op::softmax, Op::log_softmax}) {
    const bool log = op == Op::log_softmax;
    auto call = [log](int64_t dim) {
      return [log, dim](const V& v) { return log ? log_softmax(v[0], dim) : softmax(v[0], dim); };
    };
    entries.push_back({.op = op,
                       .samples =
                           [call](Generator& g) {
                             return variants(g, {{"dim -1 of [3, 4]", {3, 4}, call(-1)},
                                                 {"dim 0, non-contiguous", {3, 4}, call(0), true},
                                                 {"dim 1 of [2, 3, 2]", {2, 3, 2}, call(1)},
                                                 {"0-dim", {}, call(0)}});
                           },
                       .flops_per_element = 6});
  }
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::softmax,
     {
         {"SoftmaxDimOutOfRange",
          [] {
            softmax(f32({2, 3}), -3);
          },
          {"softmax: dim -3 is out of range", "[-2, 1]"}},
     }},
    {Op::log_softmax,
     {
         {"LogSoftmaxDimOutOfRange", [] { log_softmax(f32({2}), 1); }, {"log_softmax: dim 1"}},
     }},
});

const BenchmarkRegistrar benchmarks({
    {Op::softmax,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return softmax(v[0], -1); });
     }},
    {Op::log_softmax,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return log_softmax(v[0], -1); });
     }},
});

}  // namespace

}  // namespace kiln::autograd
