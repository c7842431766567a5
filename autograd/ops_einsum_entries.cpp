// Registry entry of einsum (autograd/ops_einsum.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

OpSample einsum_sample(Generator& g, const std::string& equation,
                       const std::vector<Shape>& shapes) {
  std::vector<Tensor> inputs;
  for (const Shape& shape : shapes) inputs.push_back(leaf(normal(g, shape)));
  return {equation, inputs, [equation](const V& v) { return einsum(equation, v); }};
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back({.op = CompositeOp::einsum,
                     .samples =
                         [](Generator& g) {
                           return std::vector<OpSample>{
                               einsum_sample(g, "ij,jk->ik", {{2, 3}, {3, 4}}),
                               einsum_sample(g, "bhqd,bhkd->bhqk", {{2, 2, 3, 2}, {2, 2, 4, 2}}),
                               einsum_sample(g, "...ij,...jk", {{2, 2, 3}, {3, 2}}),
                               einsum_sample(g, "i,i->", {{4}, {4}}),
                               einsum_sample(g, "ij,j->i", {{3, 2}, {2}}),
                               einsum_sample(g, "i,j->ij", {{3}, {2}}),
                               einsum_sample(g, "ij->ji", {{2, 3}}),
                               einsum_sample(g, "bij->b", {{2, 2, 3}}),
                               einsum_sample(g, "ab,bc,cd->ad", {{2, 3}, {3, 2}, {2, 2}}),
                               einsum_sample(g, "ik,jk,k->ij", {{2, 3}, {2, 3}, {3}}),
                               einsum_sample(g, "nk,mk->nmk", {{1, 3}, {2, 3}})};
                         },
                     .flops_per_element = 2});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {CompositeOp::einsum,
     {{"EinsumOperandCount",
       [] {
         einsum("ij,jk->ik", {f32({2, 2})});
       },
       {"einsum: \"ij,jk->ik\" has 2 operand subscripts for 1 operands"}},
      {"EinsumSubscriptTooShort",
       [] {
         einsum("i,i->", {f32({2, 2}), f32({2})});
       },
       {"einsum: subscript \"i\" does not fit an operand of 2 dims"}},
      {"EinsumSizesDiffer",
       [] {
         einsum("ij,jk->ik", {f32({2, 3}), f32({4, 2})});
       },
       {"einsum: a label has sizes 3 and 4"}},
      {"EinsumDiagonal",
       [] {
         einsum("ii->i", {f32({2, 2})});
       },
       {"einsum: a label repeated within one operand (a diagonal) is not supported"}},
      {"EinsumUnknownOutput",
       [] {
         einsum("ij->k", {f32({2, 2})});
       },
       {"einsum: an output label is in no operand"}},
      {"EinsumNotALetter",
       [] {
         einsum("i1->i", {f32({2, 2})});
       },
       {"einsum: '1' is not a letter"}}}},
});

const BenchmarkRegistrar benchmarks({
    {CompositeOp::einsum,
     [](Generator& g, BenchSize size) {
       const int64_t batch = by_size<int64_t>(size, 2, 32);
       return std::vector<OpSample>{
           bench_sample({normal(g, {batch, 4, 64, 32}), normal(g, {batch, 4, 64, 32})},
                        [](const V& v) { return einsum("bhqd,bhkd->bhqk", v); })};
     }},
});

}  // namespace

}  // namespace kiln::autograd
