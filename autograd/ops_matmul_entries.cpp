// Registry entries of matmul, addmm and baddbmm (autograd/ops_matmul.cpp).
#include <sstream>
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(
      {.op = Op::matmul,
       .samples =
           [](Generator& g) {
             const OpCall call = [](const V& v) { return matmul(v[0], v[1]); };
             std::vector<OpSample> out;
             for (const auto& [a, b] :
                  std::vector<std::pair<Shape, Shape>>{{{3, 4}, {4, 2}},
                                                       {{2, 3, 4}, {4, 2}},
                                                       {{2, 1, 3, 4}, {2, 4, 2}},
                                                       {{3}, {3, 2}},
                                                       {{2, 3}, {3}},
                                                       {{3}, {3}}}) {
               std::ostringstream label;
               label << a << " @ " << b;
               out.push_back({label.str(), {leaf(normal(g, a)), leaf(normal(g, b))}, call});
             }
             out.push_back(
                 {"non-contiguous operands",
                  {leaf(transposed(normal(g, {3, 4}))), leaf(transposed(normal(g, {4, 2})))},
                  call});
             return out;
           },
       .flops =
           [](const V& in, const Tensor& out) {
             return 2.0 * static_cast<double>(out.numel() * in[0].shape().back());
           }});
  // The product's multiply-adds, as matmul's (the scaled sum is noise beside them).
  const auto product_flops = [](const V& in, const Tensor& out) {
    return 2.0 * static_cast<double>(out.numel() * in[1].shape().back());
  };
  entries.push_back(
      {.op = CompositeOp::addmm,
       .samples =
           [](Generator& g) {
             return std::vector<OpSample>{
                 {"[3] + [3, 4] @ [4, 3], beta 0.5, alpha 2",
                  {leaf(normal(g, {3})), leaf(normal(g, {3, 4})), leaf(normal(g, {4, 3}))},
                  [](const V& v) { return addmm(v[0], v[1], v[2], 0.5, 2); }},
                 {"beta 0 ignores input",
                  {normal(g, {2, 3}), leaf(normal(g, {2, 2})), leaf(normal(g, {2, 3}))},
                  [](const V& v) { return addmm(v[0], v[1], v[2], 0); }}};
           },
       .flops = product_flops});
  entries.push_back({.op = CompositeOp::baddbmm,
                     .samples =
                         [](Generator& g) {
                           return std::vector<OpSample>{
                               {"[2, 3, 2] + [2, 3, 4] @ [2, 4, 2], beta 2, alpha -1",
                                {leaf(normal(g, {2, 3, 2})), leaf(normal(g, {2, 3, 4})),
                                 leaf(normal(g, {2, 4, 2}))},
                                [](const V& v) { return baddbmm(v[0], v[1], v[2], 2, -1); }}};
                         },
                     .flops = product_flops});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::matmul,
     {
         {"MatmulOfBools",
          [] {
            matmul(bools({2, 2}), bools({2, 2}));
          },
          {"matmul: not defined for bool tensors"}},
         {"MatmulFloat32WithFloat64",
          [] {
            matmul(f32({2, 3}), f64({3, 2}));
          },
          {"matmul: operands must have one dtype, got float32 and float64"}},
         {"MatmulInnerDimMismatch",
          [] {
            matmul(f32({2, 3}), f32({4, 5}));
          },
          {"matmul: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)"}},
         {"MatmulMatrixVectorMismatch",
          [] {
            matmul(f32({2, 3}), f32({4}));
          },
          {"matmul: shapes [2, 3] and [4, 1] cannot be multiplied (3 != 4)"}},
         {"MatmulZeroDimOperand",
          [] { matmul(scalar_tensor(2.0), f32({3})); },
          {"matmul: operands must have at least one dimension", "shapes [] and [3]"}},
         {"MatmulVectorsOfDifferentLengths",
          [] { matmul(f32({3}), f32({4})); },
          {"matmul: vectors of shapes [3] and [4] have different lengths"}},
         {"MatmulBatchNotBroadcastable",
          [] {
            matmul(f32({2, 2, 3}), f32({3, 3, 4}));
          },
          {"matmul: shapes [2] and [3] are not broadcastable"}},
     }},
    {CompositeOp::addmm,
     {{"AddmmNotMatrices",
       [] {
         addmm(f32({3}), f32({3}), f32({3, 3}));
       },
       {"addmm: mat1 and mat2 must be 2-D, got shapes [3] and [3, 3]"}},
      {"AddmmInputTooLarge",
       [] {
         addmm(f32({4, 2, 2}), f32({2, 3}), f32({3, 2}));
       },
       {"addmm: input of shape [4, 2, 2] does not broadcast to the product's shape [2, 2]"}}}},
    {CompositeOp::baddbmm,
     {{"BaddbmmBatchesDiffer",
       [] {
         baddbmm(f32({1}), f32({2, 3, 4}), f32({3, 4, 2}));
       },
       {"baddbmm: batch1 and batch2 must be 3-D with one batch size"}}}},
});

// A square product (W1's at the large size) and a batch of rows times a weight (W2's).
const BenchmarkRegistrar benchmarks({
    {Op::matmul,
     [](Generator& g, BenchSize size) {
       const int64_t n = by_size<int64_t>(size, 64, 1024);
       const OpCall call = [](const V& v) { return matmul(v[0], v[1]); };
       return std::vector<OpSample>{
           bench_sample({normal(g, {n, n}), normal(g, {n, n})}, call),
           bench_sample(
               {normal(g, {by_size<int64_t>(size, 2, 32), 64, 128}), normal(g, {128, 128})}, call)};
     }},
    {CompositeOp::addmm,
     [](Generator& g, BenchSize size) {
       const int64_t n = by_size<int64_t>(size, 64, 1024);
       return std::vector<OpSample>{
           bench_sample({normal(g, {n}), normal(g, {n, n}), normal(g, {n, n})},
                        [](const V& v) { return addmm(v[0], v[1], v[2], 1, 0.5); })};
     }},
    {CompositeOp::baddbmm,
     [](Generator& g, BenchSize size) {
       const int64_t batch = by_size<int64_t>(size, 2, 32);
       return std::vector<OpSample>{bench_sample(
           {normal(g, {batch, 64, 64}), normal(g, {batch, 64, 128}), normal(g, {batch, 128, 64})},
           [](const V& v) { return baddbmm(v[0], v[1], v[2], 0.5, 1); })};
     }},
});

}  // namespace

}  // namespace kiln::autograd
