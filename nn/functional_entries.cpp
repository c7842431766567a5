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
  entries.push_back(entry(Op::leaky_relu, [](Generator& g) {
    return std::vector<OpSample>{{"slope 0.1", {leaf(avoiding(g, {3, 4}, {0.0}))}, [](const V& v) {
                                    return functional::leaky_relu(v[0], 0.1);
                                  }}};
  }));
  entries.push_back(entry(
      Op::softplus_beta,
      [](Generator& g) {
        return std::vector<OpSample>{{"beta 2, threshold 5",
                                      {leaf(avoiding(g, {3, 4}, {2.5}))},
                                      [](const V& v) { return functional::softplus(v[0], 2, 5); }}};
      },
      8));
  entries.push_back(entry(
      Op::elu,
      [](Generator& g) {
        return std::vector<OpSample>{{"alpha 1",
                                      {leaf(avoiding(g, {3, 4}, {0.0}))},
                                      [](const V& v) { return functional::elu(v[0]); }},
                                     {"alpha 0.5", {leaf(avoiding(g, {5}, {0.0}))}, [](const V& v) {
                                        return functional::elu(v[0], 0.5);
                                      }}};
      },
      4));
  entries.push_back(entry(
      Op::celu,
      [](Generator& g) {
        return std::vector<OpSample>{{"alpha 1.5",
                                      {leaf(avoiding(g, {3, 4}, {0.0}))},
                                      [](const V& v) { return functional::celu(v[0], 1.5); }}};
      },
      5));
  entries.push_back(entry(Op::hardtanh, [](Generator& g) {
    return std::vector<OpSample>{{"[-0.5, 1]",
                                  {leaf(avoiding(g, {3, 4}, {-0.5, 1.0}))},
                                  [](const V& v) { return functional::hardtanh(v[0], -0.5, 1); }}};
  }));
  entries.push_back(entry(
      Op::glu,
      [](Generator& g) {
        return std::vector<OpSample>{{"last dim",
                                      {leaf(normal(g, {3, 4}))},
                                      [](const V& v) { return functional::glu(v[0]); }},
                                     {"dim 0 of a non-contiguous [4, 3]",
                                      {leaf(transposed(normal(g, {4, 3})))},
                                      [](const V& v) { return functional::glu(v[0], 0); }}};
      },
      5));
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
    {Op::leaky_relu,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::leaky_relu(v[0], 0.1); });
     }},
    {Op::softplus_beta,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::softplus(v[0], 2, 5); });
     }},
    {Op::elu,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return functional::elu(v[0]); });
     }},
    {Op::celu,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::celu(v[0], 1.5); });
     }},
    {Op::hardtanh,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::hardtanh(v[0]); });
     }},
    {Op::glu,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return functional::glu(v[0]); });
     }},
});

const BadInputRegistrar bad_inputs({
    {Op::glu,
     {{"GluOddSize",
       [] {
         functional::glu(f32({2, 3}));
       },
       {"glu: dim -1 of shape [2, 3] must have an even size, got 3"}},
      {"GluZeroDim", [] { functional::glu(f32({})); }, {"glu: cannot halve a 0-dim tensor"}}}},
    {Op::celu,
     {{"CeluZeroAlpha", [] { functional::celu(f32({2}), 0); }, {"celu: alpha must not be 0"}}}},
    {Op::hardtanh,
     {{"HardtanhCrossedBounds",
       [] { functional::hardtanh(f32({2}), 1, -1); },
       {"hardtanh: min_val 1 is above max_val -1"}}}},
});

}  // namespace

}  // namespace kiln::nn
