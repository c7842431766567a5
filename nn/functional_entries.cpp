// Registry entries of nn's functional layers (nn/functional.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/functional.h"
#include "nn/op_list.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(Op::linear, [](Generator& g) {
    return std::vector<OpSample>{
        {"[2, 3] x W[4, 3] + b",
         {leaf(normal(g, {2, 3})), leaf(normal(g, {4, 3})), leaf(normal(g, {4}))},
         [](const V& v) { return functional::linear(v[0], v[1], v[2]); }},
        {"batched, no bias", {leaf(normal(g, {2, 2, 3})), leaf(normal(g, {4, 3}))}, [](const V& v) {
           return functional::linear(v[0], v[1]);
         }}};
  }));
  entries.push_back(entry(Op::bilinear, [](Generator& g) {
    return std::vector<OpSample>{
        {"[2, 3] and [2, 2] into 2",
         {leaf(normal(g, {2, 3})), leaf(normal(g, {2, 2})), leaf(normal(g, {2, 3, 2})),
          leaf(normal(g, {2}))},
         [](const V& v) { return functional::bilinear(v[0], v[1], v[2], v[3]); }}};
  }));
  entries.push_back(entry(
      Op::embedding_padding,
      [](Generator& g) {
        // The padding row gets no gradient by design, so it is a constant here; the sample
        // checks that every other row gets its gradient through Embedding's lookup.
        return std::vector<OpSample>{
            {"padding row 1",
             {leaf(normal(g, {3, 3})), indices({0, 1, 3, 1}, {2, 2}), normal(g, {1, 3})},
             [](const V& v) {
               const Tensor weight = cat({v[0].narrow(0, 0, 1), v[2], v[0].narrow(0, 1, 2)});
               return functional::embedding(weight, v[1], 1);
             }}};
      },
      0));
  entries.push_back(entry(
      Op::layer_norm_nd,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"last 2 dims",
             {leaf(normal(g, {2, 3, 2})), leaf(normal(g, {3, 2})), leaf(normal(g, {3, 2}))},
             [](const V& v) { return functional::layer_norm(v[0], 2, v[1], v[2]); }}};
      },
      8));
  entries.push_back(entry(
      Op::rms_norm,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"last dim",
             {leaf(normal(g, {3, 4})), leaf(normal(g, {4}))},
             [](const V& v) { return functional::rms_norm(v[0], 1, v[1], 1e-6); }},
            {"last 2 dims, no weight", {leaf(normal(g, {2, 2, 3}))}, [](const V& v) {
               return functional::rms_norm(v[0], 2, {});
             }}};
      },
      4));
  entries.push_back(entry(Op::dropout, [](Generator& g) {
    // A generator seeded in the call gives every evaluation the same mask.
    return std::vector<OpSample>{{"p = 0.3", {leaf(normal(g, {4, 5}))}, [](const V& v) {
                                    Generator mask(11);
                                    return functional::dropout(v[0], 0.3, true, &mask);
                                  }}};
  }));
  // Products with the weight: 2 FLOPs (a multiply-add) per weight element and output row.
  entry_of(entries, Op::linear).flops = [](const V& in, const Tensor& out) {
    return 2.0 * static_cast<double>(out.numel() * in[1].size(-1));
  };
  entry_of(entries, Op::bilinear).flops = [](const V& in, const Tensor& out) {
    return 2.0 * static_cast<double>(out.numel() * in[2].size(1) * in[2].size(2));
  };
}

const OpEntryRegistrar registrar(add_entries);

// W2's widths at the large size: rows of 128 features (4096 x 1024 for the row-wise ones).
const BenchmarkRegistrar benchmarks({
    {Op::linear,
     [](Generator& g, BenchSize size) {
       const int64_t n = by_size<int64_t>(size, 64, 1024);
       return std::vector<OpSample>{bench_sample(
           {normal(g, {by_size<int64_t>(size, 64, 4096), n}), normal(g, {n, n}), normal(g, {n})},
           [](const V& v) { return functional::linear(v[0], v[1], v[2]); })};
     }},
    {Op::bilinear,
     [](Generator& g, BenchSize size) {
       const int64_t rows = by_size<int64_t>(size, 64, 4096), n = by_size<int64_t>(size, 16, 64);
       return std::vector<OpSample>{bench_sample(
           {normal(g, {rows, n}), normal(g, {rows, n}), normal(g, {n, n, n}), normal(g, {n})},
           [](const V& v) { return functional::bilinear(v[0], v[1], v[2], v[3]); })};
     }},
    {Op::embedding_padding,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), random_indices(g, {shape[0] / 2}, shape[0])},
                        [](const V& v) { return functional::embedding(v[0], v[1], 0); })};
     }},
    {Op::layer_norm_nd,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, {shape[1]}), normal(g, {shape[1]})},
                        [](const V& v) { return functional::layer_norm(v[0], 1, v[1], v[2]); })};
     }},
    {Op::rms_norm,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, {shape[1]})},
                        [](const V& v) { return functional::rms_norm(v[0], 1, v[1], 1e-6); })};
     }},
    {Op::dropout,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) {
         Generator mask(5);
         return functional::dropout(v[0], 0.3, true, &mask);
       });
     }},
});

}  // namespace

}  // namespace kiln::nn
