// Registry entries of the reductions (autograd/ops_reduce.cpp).
#include <limits>
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

// A reduction over: everything, one dim, two dims kept, a negative dim; non-contiguous
// input; a 0-dim input.
OpEntry reduction_entry(OpId op, Domain domain,
                        std::function<Tensor(const Tensor&, const Dims&, bool)> reduce) {
  return {
      .op = op,
      .samples =
          [domain, reduce](Generator& g) {
            struct Variant {
              const char* label;
              Shape shape;
              Dims dims;
              bool keepdim;
              bool non_contiguous;
            };
            const Variant variants[] = {
                {"all of [3, 4]", {3, 4}, {}, false, false},
                {"dim 1 of [3, 4]", {3, 4}, {1}, false, false},
                {"dims 0, 2 of [2, 3, 2], keepdim", {2, 3, 2}, {0, 2}, true, false},
                {"dim -1 of non-contiguous [3, 4]", {3, 4}, {-1}, false, true},
                {"0-dim", {}, {}, false, false}};
            std::vector<OpSample> out;
            for (const Variant& v : variants) {
              Tensor x = draw(g, v.shape, domain);
              if (v.non_contiguous) x = transposed(x);
              out.push_back(
                  {v.label, {leaf(x)}, [reduce, dims = v.dims, keepdim = v.keepdim](const V& in) {
                     return reduce(in[0], dims, keepdim);
                   }});
            }
            return out;
          },
      .benchmarks =
          [domain, reduce](Generator& g, BenchSize size) {
            const Tensor x = draw(g, bench_matrix(size), domain);
            return std::vector<OpSample>{
                {"rows of " + bench_sample({x}, {}).label,
                 {x},
                 [reduce](const V& v) { return reduce(v[0], {1}, false); }},
                {"all of " + bench_sample({x}, {}).label, {x}, [reduce](const V& v) {
                   return reduce(v[0], {}, false);
                 }}};
          }};
}

OpEntry along_dim_entry(OpId op, std::function<Tensor(const Tensor&, int64_t, bool)> reduce) {
  return {.op = op,
          .samples =
              [reduce](Generator& g) {
                return std::vector<OpSample>{
                    {"dim 1 of [3, 4]",
                     {leaf(normal(g, {3, 4}))},
                     [reduce](const V& v) { return reduce(v[0], 1, false); }},
                    {"dim 0 of [3, 4], keepdim",
                     {leaf(normal(g, {3, 4}))},
                     [reduce](const V& v) { return reduce(v[0], 0, true); }},
                    {"dim -1 of non-contiguous [3, 4]",
                     {leaf(transposed(normal(g, {3, 4})))},
                     [reduce](const V& v) { return reduce(v[0], -1, false); }},
                    {"0-dim", {leaf(normal(g, {}))}, [reduce](const V& v) {
                       return reduce(v[0], 0, false);
                     }}};
              },
          .benchmarks =
              [reduce](Generator& g, BenchSize size) {
                return bench_unary(g, size, Domain::Real,
                                   [reduce](const V& v) { return reduce(v[0], 1, false); });
              }};
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(reduction_entry(
      Op::sum, Domain::Real, [](const Tensor& x, const Dims& d, bool k) { return sum(x, d, k); }));
  entries.push_back(
      reduction_entry(CompositeOp::mean, Domain::Real,
                      [](const Tensor& x, const Dims& d, bool k) { return mean(x, d, k); }));
  OpEntry prod_entry =
      reduction_entry(Op::prod, Domain::AwayFromZero,
                      [](const Tensor& x, const Dims& d, bool k) { return prod(x, d, k); });
  prod_entry.samples = [away_from_zero = prod_entry.samples](Generator& g) {
    std::vector<OpSample> out = away_from_zero(g);
    // One zero in the first row, two in the second: the gradient is then not prod / x.
    const Tensor zeros_in =
        from_vector(std::vector<double>{1.5, 0, -2, 0.5, 0, 0}, {2, 3}, {.dtype = kFloat64});
    out.push_back(
        {"zeros, dim 1", {leaf(zeros_in.clone())}, [](const V& v) { return prod(v[0], {1}); }});
    out.push_back({"one zero, all dims", {leaf(zeros_in.narrow(0, 0, 1).clone())}, [](const V& v) {
                     return prod(v[0]);
                   }});
    return out;
  };
  entries.push_back(std::move(prod_entry));
  entries.push_back(
      reduction_entry(Op::amax, Domain::Real,
                      [](const Tensor& x, const Dims& d, bool k) { return amax(x, d, k); }));
  entries.push_back(
      reduction_entry(Op::amin, Domain::Real,
                      [](const Tensor& x, const Dims& d, bool k) { return amin(x, d, k); }));
  entries.push_back(
      reduction_entry(Op::logsumexp, Domain::Real,
                      [](const Tensor& x, const Dims& d, bool k) { return logsumexp(x, d, k); }));
  entries.push_back(
      {.op = CompositeOp::var, .samples = [](Generator& g) {
         return std::vector<OpSample>{
             {"all, unbiased", {leaf(normal(g, {3, 4}))}, [](const V& v) { return var(v[0]); }},
             {"dim 1, biased",
              {leaf(normal(g, {3, 4}))},
              [](const V& v) { return var(v[0], {1}, false); }},
             {"dim 0 keepdim, non-contiguous",
              {leaf(transposed(normal(g, {3, 4})))},
              [](const V& v) { return var(v[0], {0}, true, true); }}};
       }});
  entries.push_back({.op = CompositeOp::std, .samples = [](Generator& g) {
                       return std::vector<OpSample>{
                           {"all, unbiased",
                            {leaf(normal(g, {3, 4}))},
                            [](const V& v) { return kiln::std(v[0]); }},
                           {"dim 1, biased", {leaf(normal(g, {3, 4}))}, [](const V& v) {
                              return kiln::std(v[0], {1}, false);
                            }}};
                     }});
  entries.push_back(
      {.op = Op::norm, .samples = [](Generator& g) {
         std::vector<OpSample> out;
         for (double p : {2.0, 1.0, 3.0, 0.5, std::numeric_limits<double>::infinity()}) {
           out.push_back({"p = " + std::to_string(p) + ", dim 1",
                          {leaf(draw(g, {3, 4}, Domain::AwayFromZero))},
                          [p](const V& v) { return norm(v[0], p, {1}); }});
         }
         out.push_back(
             {"p = 2, all", {leaf(normal(g, {3, 4}))}, [](const V& v) { return norm(v[0]); }});
         return out;
       }});
  entries.push_back({.op = Op::max, .samples = [](Generator& g) {
                       return std::vector<OpSample>{{"[3, 4]",
                                                     {leaf(normal(g, {3, 4}))},
                                                     [](const V& v) { return max(v[0]); }}};
                     }});
  entries.push_back({.op = Op::min, .samples = [](Generator& g) {
                       return std::vector<OpSample>{{"[3, 4]",
                                                     {leaf(normal(g, {3, 4}))},
                                                     [](const V& v) { return min(v[0]); }}};
                     }});
  entries.push_back(along_dim_entry(
      Op::max_dim, [](const Tensor& x, int64_t d, bool k) { return max(x, d, k).first; }));
  entries.push_back(along_dim_entry(
      Op::min_dim, [](const Tensor& x, int64_t d, bool k) { return min(x, d, k).first; }));
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::sum,
     {
         {"SumDimOutOfRange",
          [] {
            sum(f32({2, 3}), {2});
          },
          {"sum: dim 2 is out of range", "2 dimension(s)"}},
         {"SumRepeatedDim",
          [] {
            sum(f32({2, 3}), {0, -2});
          },
          {"sum: dim 0 appears twice in [0, -2]"}},
     }},
    {Op::amax,
     {
         {"AmaxOnBool", [] { amax(bools({2})); }, {"amax: not defined for bool tensors"}},
         {"AmaxOverSizeZeroDim",
          [] {
            amax(f32({2, 0}), {1});
          },
          {"amax: cannot reduce over dim 1 of size 0 (shape [2, 0])"}},
     }},
    {Op::amin,
     {
         {"AminOnBool", [] { amin(bools({2}), {0}); }, {"amin: not defined for bool tensors"}},
         {"AminOfEmptyTensor",
          [] { amin(f32({0})); },
          {"amin: cannot reduce over dim 0 of size 0 (shape [0])"}},
     }},
    {CompositeOp::mean,
     {
         {"MeanOfInt64", [] { mean(i64({2})); }, {"mean: expects a floating dtype, got int64"}},
     }},
    {CompositeOp::var,
     {
         {"VarOfInt64", [] { var(i64({2})); }, {"var: expects a floating dtype, got int64"}},
     }},
    {Op::norm,
     {
         {"NormOfInt64", [] { norm(i64({2})); }, {"norm: expects a floating dtype, got int64"}},
     }},
    {Op::max,
     {
         {"MaxOfEmptyTensor",
          [] { kiln::max(f32({0})); },
          {"max: cannot reduce an empty tensor of shape [0]"}},
     }},
    {Op::min,
     {
         {"MinOfEmptyTensor",
          [] {
            kiln::min(f32({2, 0}));
          },
          {"min: cannot reduce an empty tensor of shape [2, 0]"}},
     }},
    {Op::max_dim,
     {
         {"MaxAlongSizeZeroDim",
          [] {
            kiln::max(f32({0, 2}), 0);
          },
          {"max: cannot reduce over dim 0 of size 0 (shape [0, 2])"}},
         {"MaxWithDimOnBool",
          [] { kiln::max(bools({2}), 0); },
          {"max: not defined for bool tensors"}},
     }},
});

const BenchmarkRegistrar benchmarks({
    {CompositeOp::var,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return var(v[0], {1}); });
     }},
    {CompositeOp::std,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return kiln::std(v[0], {1}); });
     }},
    {Op::norm,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return norm(v[0], 2, {1}); });
     }},
    {Op::max,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return max(v[0]); });
     }},
    {Op::min,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return min(v[0]); });
     }},
});

}  // namespace

}  // namespace kiln::autograd
