// Registry entries of the indexing ops (autograd/ops_index.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"

namespace kiln::autograd {

namespace {

using namespace samples;
using V = std::vector<Tensor>;

void add_entries(std::vector<OpEntry>& entries) {
  // Repeated indices check that gradients of the same element add up.
  entries.push_back({.op = Op::index_select,
                     .samples =
                         [](Generator& g) {
                           return std::vector<OpSample>{
                               {"dim 0, repeated",
                                {leaf(normal(g, {4, 3})), indices({2, 0, 2}, {3})},
                                [](const V& v) { return index_select(v[0], 0, v[1]); }},
                               {"dim 1, non-contiguous",
                                {leaf(transposed(normal(g, {3, 4}))), indices({3, 1}, {2})},
                                [](const V& v) { return index_select(v[0], 1, v[1]); }}};
                         },
                     .flops_per_element = 0});
  entries.push_back({.op = Op::gather,
                     .samples =
                         [](Generator& g) {
                           return std::vector<OpSample>{
                               {"dim 1",
                                {leaf(normal(g, {3, 4})), indices({0, 3, 1, 1, 2, 0}, {3, 2})},
                                [](const V& v) { return gather(v[0], 1, v[1]); }},
                               {"dim 0",
                                {leaf(normal(g, {3, 2})), indices({2, 0, 2, 1}, {2, 2})},
                                [](const V& v) { return gather(v[0], 0, v[1]); }}};
                         },
                     .flops_per_element = 0});
  // scatter with distinct positions per row: with repeats the surviving write is unspecified.
  entries.push_back({.op = Op::scatter,
                     .samples =
                         [](Generator& g) {
                           return std::vector<OpSample>{
                               {"dim 1",
                                {leaf(normal(g, {3, 4})), indices({0, 3, 1, 2, 3, 0}, {3, 2}),
                                 leaf(normal(g, {3, 2}))},
                                [](const V& v) { return scatter(v[0], 1, v[1], v[2]); }}};
                         },
                     .flops_per_element = 0});
  entries.push_back(
      {.op = Op::scatter_add, .samples = [](Generator& g) {
         return std::vector<OpSample>{
             {"dim 1, repeated",
              {leaf(normal(g, {3, 4})), indices({0, 0, 1, 2, 3, 3}, {3, 2}),
               leaf(normal(g, {3, 2}))},
              [](const V& v) { return scatter_add(v[0], 1, v[1], v[2]); }},
             {"source larger than index",
              {leaf(normal(g, {3, 4})), indices({1, 2}, {2, 1}), leaf(normal(g, {3, 2}))},
              [](const V& v) { return scatter_add(v[0], 1, v[1], v[2]); }}};
       }});
  entries.push_back(
      {.op = Op::index_add, .samples = [](Generator& g) {
         return std::vector<OpSample>{
             {"dim 0, repeated, alpha 2",
              {leaf(normal(g, {4, 3})), indices({1, 3, 1}, {3}), leaf(normal(g, {3, 3}))},
              [](const V& v) { return index_add(v[0], 0, v[1], v[2], 2.0); }},
             {"dim 1",
              {leaf(normal(g, {2, 4})), indices({0, 2}, {2}), leaf(normal(g, {2, 2}))},
              [](const V& v) { return index_add(v[0], 1, v[1], v[2]); }},
             {"0-dim, index repeated, alpha 3",
              {leaf(normal(g, {})), indices({0, 0}, {2}), leaf(normal(g, {}))},
              [](const V& v) { return index_add(v[0], 0, v[1], v[2], 3.0); }}};
       }});
  entries.push_back({.op = Op::embedding,
                     .samples =
                         [](Generator& g) {
                           return std::vector<OpSample>{
                               {"[2, 2] indices into [5, 3]",
                                {leaf(normal(g, {5, 3})), indices({0, 4, 4, 2}, {2, 2})},
                                [](const V& v) { return embedding(v[0], v[1]); }}};
                         },
                     .flops_per_element = 0});
  for (Op op : {Op::tril, Op::triu}) {
    const bool lower = op == Op::tril;
    auto call = [lower](int64_t diagonal) {
      return [lower, diagonal](const V& v) {
        return lower ? tril(v[0], diagonal) : triu(v[0], diagonal);
      };
    };
    entries.push_back({.op = op,
                       .samples =
                           [call](Generator& g) {
                             return variants(g, {{"[4, 4]", {4, 4}, call(0)},
                                                 {"diagonal 1 of [3, 5]", {3, 5}, call(1)},
                                                 {"diagonal -1, batched", {2, 3, 3}, call(-1)}});
                           },
                       .flops_per_element = 0});
  }
}

const OpEntryRegistrar registrar(add_entries);

}  // namespace

}  // namespace kiln::autograd
