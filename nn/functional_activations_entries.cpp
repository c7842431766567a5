// Registry entries of nn's functional activations (nn/functional_activations.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/functional.h"
#include "nn/op_list.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

void add_entries(std::vector<OpEntry>& entries) {
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
  entries.push_back(entry(Op::relu6, [](Generator& g) {
    return std::vector<OpSample>{{"[3, 4]", {leaf(avoiding(g, {3, 4}, {0.0}) * 4)}, [](const V& v) {
                                    return functional::relu6(v[0]);
                                  }}};
  }));
  entries.push_back(entry(
      Op::softmin,
      [](Generator& g) {
        return std::vector<OpSample>{{"dim 1", {leaf(normal(g, {3, 4}))}, [](const V& v) {
                                        return functional::softmin(v[0], 1);
                                      }}};
      },
      5));
  entries.push_back(entry(Op::hardshrink, [](Generator& g) {
    return std::vector<OpSample>{{"lambda 0.5",
                                  {leaf(avoiding(g, {3, 4}, {-0.5, 0.5}))},
                                  [](const V& v) { return functional::hardshrink(v[0]); }}};
  }));
  entries.push_back(entry(Op::softshrink, [](Generator& g) {
    return std::vector<OpSample>{{"lambda 0.3",
                                  {leaf(avoiding(g, {3, 4}, {-0.3, 0.3}))},
                                  [](const V& v) { return functional::softshrink(v[0], 0.3); }}};
  }));
  entries.push_back(entry(
      Op::tanhshrink,
      [](Generator& g) {
        return std::vector<OpSample>{{"[3, 4]", {leaf(normal(g, {3, 4}))}, [](const V& v) {
                                        return functional::tanhshrink(v[0]);
                                      }}};
      },
      8));
  entries.push_back(entry(Op::threshold, [](Generator& g) {
    return std::vector<OpSample>{{"above 0.2, else -1",
                                  {leaf(avoiding(g, {3, 4}, {0.2}))},
                                  [](const V& v) { return functional::threshold(v[0], 0.2, -1); }}};
  }));
  entries.push_back(entry(
      Op::normalize,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"p = 2 along dim 1",
             {leaf(normal(g, {3, 4}))},
             [](const V& v) { return functional::normalize(v[0]); }},
            {"p = 3 along dim 0", {leaf(normal(g, {3, 2}))}, [](const V& v) {
               return functional::normalize(v[0], 3, 0);
             }}};
      },
      4));
  entries.push_back(entry(
      Op::prelu,
      [](Generator& g) {
        return std::vector<OpSample>{{"one weight",
                                      {leaf(avoiding(g, {3, 4}, {0.0})), leaf(normal(g, {1}))},
                                      [](const V& v) { return functional::prelu(v[0], v[1]); }},
                                     {"a weight per channel of [2, 3, 2]",
                                      {leaf(avoiding(g, {2, 3, 2}, {0.0})), leaf(normal(g, {3}))},
                                      [](const V& v) { return functional::prelu(v[0], v[1]); }}};
      },
      2));
}

const OpEntryRegistrar registrar(add_entries);

const BenchmarkRegistrar benchmarks({
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
    {Op::relu6,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::relu6(v[0]); });
     }},
    {Op::softmin,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::softmin(v[0], 1); });
     }},
    {Op::hardshrink,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::hardshrink(v[0]); });
     }},
    {Op::softshrink,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::softshrink(v[0]); });
     }},
    {Op::tanhshrink,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::tanhshrink(v[0]); });
     }},
    {Op::threshold,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::threshold(v[0], 0.1, 0); });
     }},
    {Op::normalize,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real,
                          [](const V& v) { return functional::normalize(v[0]); });
     }},
    {Op::prelu,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, {shape[1]})},
                        [](const V& v) { return functional::prelu(v[0], v[1]); })};
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
    {Op::softmin,
     {{"SoftminZeroDimDim",
       [] {
         functional::softmin(f32({2, 3}), 2);
       },
       {"softmin: dim 2 is out of range for a tensor of 2 dimension(s)"}}}},
    {Op::hardshrink,
     {{"HardshrinkNegativeLambda",
       [] { functional::hardshrink(f32({2}), -1); },
       {"hardshrink: lambd must be non-negative, got -1"}}}},
    {Op::softshrink,
     {{"SoftshrinkNegativeLambda",
       [] { functional::softshrink(f32({2}), -0.5); },
       {"softshrink: lambd must be non-negative, got -0.5"}}}},
    {Op::normalize,
     {{"NormalizeDimOutOfRange",
       [] { functional::normalize(f32({3}), 2, 1); },
       {"normalize: dim 1 is out of range for a tensor of 1 dimension(s)"}}}},
    {Op::prelu,
     {{"PreluWeightSize",
       [] {
         functional::prelu(f32({2, 3}), f32({2}));
       },
       {"prelu: 2 weights for the input's 3 channels; give 1 or 3"}}}},
});

}  // namespace

}  // namespace kiln::nn
