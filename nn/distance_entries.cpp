// Registry entries of the similarities and distances (nn/distance.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/distance.h"
#include "nn/op_list.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(
      Op::cosine_similarity,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"dim 1 of [3, 4]",
             {leaf(normal(g, {3, 4})), leaf(normal(g, {3, 4}))},
             [](const V& v) { return functional::cosine_similarity(v[0], v[1]); }},
            {"broadcast, dim -1",
             {leaf(normal(g, {2, 3, 4})), leaf(normal(g, {4}))},
             [](const V& v) { return functional::cosine_similarity(v[0], v[1], -1); }}};
      },
      6));
  entries.push_back(entry(
      Op::pairwise_distance,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"p = 2",
             {leaf(normal(g, {3, 4})), leaf(normal(g, {3, 4}))},
             [](const V& v) { return functional::pairwise_distance(v[0], v[1]); }},
            // |d| has a kink at 0: grids offset by 1/4 keep the differences away from it.
            {"p = 1, keepdim",
             {leaf(on_grid(g, {3, 4}, 0)), leaf(on_grid(g, {3, 4}, 0.25))},
             [](const V& v) { return functional::pairwise_distance(v[0], v[1], 1, 1e-6, true); }}};
      },
      4));
  entries.push_back(entry(
      Op::cdist,
      [](Generator& g) {
        return std::vector<OpSample>{{"p = 2, [3, 2] to [4, 2]",
                                      {leaf(normal(g, {3, 2})), leaf(normal(g, {4, 2}))},
                                      [](const V& v) { return functional::cdist(v[0], v[1]); }},
                                     {"p = 2 by matmul, [2, 26, 2] to [2, 3, 2]",
                                      {leaf(normal(g, {2, 26, 2})), leaf(normal(g, {2, 3, 2}))},
                                      [](const V& v) { return functional::cdist(v[0], v[1]); }},
                                     {"p = 1, [3, 2] to [2, 2]",
                                      {leaf(on_grid(g, {3, 2}, 0)), leaf(on_grid(g, {2, 2}, 0.25))},
                                      [](const V& v) { return functional::cdist(v[0], v[1], 1); }}};
      },
      3));
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::cdist,
     {{"CdistWidthsDiffer",
       [] {
         functional::cdist(f32({3, 2}), f32({4, 3}));
       },
       {"cdist: expected x1 [*, P, M] and x2 [*, R, M], got shapes [3, 2] and [4, 3]"}},
      {"CdistNegativeP",
       [] {
         functional::cdist(f32({3, 2}), f32({4, 2}), -1);
       },
       {"cdist: p must be non-negative, got -1"}}}},
    {Op::cosine_similarity,
     {{"CosineSimilarityNotBroadcastable",
       [] {
         functional::cosine_similarity(f32({3, 4}), f32({2, 4}));
       },
       {"cosine_similarity: shapes [3, 4] and [2, 4] are not broadcastable"}}}},
    {Op::pairwise_distance,
     {{"PairwiseDistanceNotBroadcastable",
       [] {
         functional::pairwise_distance(f32({3, 4}), f32({2, 4}));
       },
       {"sub: shapes [3, 4] and [2, 4] are not broadcastable"}}}},
});

const BenchmarkRegistrar benchmarks({
    {Op::cosine_similarity,
     [](Generator& g, BenchSize size) {
       return bench_binary(g, size, Domain::Real, Domain::Real,
                           [](const V& v) { return functional::cosine_similarity(v[0], v[1]); });
     }},
    {Op::pairwise_distance,
     [](Generator& g, BenchSize size) {
       return bench_binary(g, size, Domain::Real, Domain::Real,
                           [](const V& v) { return functional::pairwise_distance(v[0], v[1]); });
     }},
    {Op::cdist,
     [](Generator& g, BenchSize size) {
       const int64_t rows = by_size<int64_t>(size, 64, 1024);
       return std::vector<OpSample>{
           bench_sample({normal(g, {rows, 64}), normal(g, {rows, 64})},
                        [](const V& v) { return functional::cdist(v[0], v[1]); })};
     }},
});

}  // namespace

}  // namespace kiln::nn
