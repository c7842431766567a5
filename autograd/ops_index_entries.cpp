// Registry entries of the indexing ops (autograd/ops_index.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

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

const BadInputRegistrar bad_inputs({
    {Op::index_select,
     {
         {"IndexSelectIndexTooLarge",
          [] {
            index_select(f32({3, 2}), 0, tensor({0, 3}));
          },
          {"index_select: index 3 is out of range for dim 0 of size 3"}},
         {"IndexSelectNegativeIndex",
          [] {
            index_select(f32({3, 2}), 1, tensor({-1}));
          },
          {"index_select: index -1 is out of range for dim 1 of size 2"}},
         {"IndexSelectFloatIndex",
          [] {
            index_select(f32({3, 2}), 0, tensor({0.0}));
          },
          {"index_select: index tensor must be int64, got float32"}},
         {"IndexSelectTwoDimIndex",
          [] {
            index_select(f32({3, 2}), 0, i64({2, 2}));
          },
          {"index_select: index must be 0-D or 1-D, got shape [2, 2]"}},
         {"IndexSelectDimOutOfRange",
          [] {
            index_select(f32({3, 2}), 2, tensor({0}));
          },
          {"index_select: dim 2 is out of range"}},
     }},
    {Op::gather,
     {
         {"GatherIndexTooLarge",
          [] {
            gather(f32({2, 3}), 1, tensor({{0, 3}}));
          },
          {"gather: index 3 is out of range for dim 1 of size 3"}},
         {"GatherNegativeIndex",
          [] {
            gather(f32({2, 3}), 0, tensor({{-1}}));
          },
          {"gather: index -1 is out of range for dim 0 of size 2"}},
         {"GatherFloatIndex",
          [] {
            gather(f32({2, 3}), 1, f32({2, 3}));
          },
          {"gather: index tensor must be int64, got float32"}},
         {"GatherIndexRankMismatch",
          [] {
            gather(f32({2, 3}), 1, tensor({0, 1}));
          },
          {"gather: index of shape [2] must have as many dims as the input of shape [2, 3]"}},
         {"GatherIndexLargerThanInput",
          [] {
            gather(f32({2, 3}), 1, i64({3, 1}));
          },
          {"gather: index of shape [3, 1] exceeds the input of shape [2, 3] at dim 0"}},
         {"GatherZeroDimIndexOutOfRange",
          [] { gather(scalar_tensor(1.0), 0, scalar_tensor(int64_t{1})); },
          {"gather: index 1 is out of range for dim 0 of size 1"}},
     }},
    {Op::scatter,
     {
         {"ScatterIndexTooLarge",
          [] {
            scatter(f32({2, 3}), 1, tensor({{5}}), ones({1, 1}));
          },
          {"scatter: index 5 is out of range for dim 1 of size 3"}},
         {"ScatterSourceDtype",
          [] {
            scatter(f32({2, 3}), 1, tensor({{0}}), ones({1, 1}, {.dtype = kFloat64}));
          },
          {"scatter: source dtype float64 differs from the input's float32"}},
         {"ScatterIndexLargerThanSource",
          [] {
            scatter(f32({2, 3}), 1, i64({1, 2}), ones({1, 1}));
          },
          {"scatter: index of shape [1, 2] exceeds the source of shape [1, 1] at dim 1"}},
     }},
    {Op::scatter_add,
     {
         {"ScatterAddNegativeIndex",
          [] {
            scatter_add(f32({2, 3}), 0, tensor({{-1}}), ones({1, 1}));
          },
          {"scatter_add: index -1 is out of range for dim 0 of size 2"}},
         {"ScatterAddFloatIndex",
          [] {
            scatter_add(f32({2, 3}), 0, f32({1, 1}), ones({1, 1}));
          },
          {"scatter_add: index tensor must be int64, got float32"}},
     }},
    {Op::index_add,
     {
         {"IndexAddIndexTooLarge",
          [] {
            index_add(f32({3, 2}), 0, tensor({0, 3}), ones({2, 2}));
          },
          {"index_add: index 3 is out of range for dim 0 of size 3"}},
         {"IndexAddSourceShape",
          [] {
            index_add(f32({3, 2}), 0, tensor({0, 1}), ones({3, 2}));
          },
          {"index_add: source of shape [3, 2] must have shape [2, 2]"}},
         {"IndexAddFloatIndex",
          [] {
            index_add(f32({3, 2}), 0, tensor({0.0}), ones({1, 2}));
          },
          {"index_add: index tensor must be int64, got float32"}},
         {"IndexAddFloatAlphaOnIntegers",
          [] { index_add(i64({4}), 0, tensor({1}), tensor({10}), 0.5); },
          {"index_add: alpha 0.5 must be an integer for a tensor of int64"}},
     }},
    {Op::embedding,
     {
         {"EmbeddingIdTooLarge",
          [] {
            embedding(f32({4, 2}), tensor({1, 4}));
          },
          {"index 4 is out of range for dim 0 of size 4"}},
         {"EmbeddingFloatIds",
          [] {
            embedding(f32({4, 2}), tensor({1.0}));
          },
          {"embedding: index tensor must be int64, got float32"}},
         {"EmbeddingWeightNotTwoDim",
          [] { embedding(f32({4}), tensor({1})); },
          {"embedding: weight must be 2-D", "got shape [4]"}},
     }},
    {Op::tril,
     {
         {"TrilOfVector",
          [] { tril(f32({3})); },
          {"tril: expects a tensor of at least 2 dims, got shape [3]"}},
     }},
    {Op::triu,
     {
         {"TriuOfScalar",
          [] { triu(scalar_tensor(1.0)); },
          {"triu: expects a tensor of at least 2 dims, got shape []"}},
     }},
});

// Half the rows picked (or added to) at random; gather and scatter pick a column per element.
const BenchmarkRegistrar benchmarks({
    {Op::index_select,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), random_indices(g, {shape[0] / 2}, shape[0])},
                        [](const V& v) { return index_select(v[0], 0, v[1]); })};
     }},
    {Op::gather,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), random_indices(g, shape, shape[1])},
                        [](const V& v) { return gather(v[0], 1, v[1]); })};
     }},
    {Op::scatter,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), random_indices(g, shape, shape[1]), normal(g, shape)},
                        [](const V& v) { return scatter(v[0], 1, v[1], v[2]); })};
     }},
    {Op::scatter_add,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), random_indices(g, shape, shape[1]), normal(g, shape)},
                        [](const V& v) { return scatter_add(v[0], 1, v[1], v[2]); })};
     }},
    {Op::index_add,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       const int64_t picked = shape[0] / 2;
       return std::vector<OpSample>{bench_sample(
           {normal(g, shape), random_indices(g, {picked}, shape[0]), normal(g, {picked, shape[1]})},
           [](const V& v) { return index_add(v[0], 0, v[1], v[2]); })};
     }},
    {Op::embedding,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), random_indices(g, {shape[0] / 2}, shape[0])},
                        [](const V& v) { return embedding(v[0], v[1]); })};
     }},
    {Op::tril,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return tril(v[0]); });
     }},
    {Op::triu,
     [](Generator& g, BenchSize size) {
       return bench_unary(g, size, Domain::Real, [](const V& v) { return triu(v[0]); });
     }},
});

}  // namespace

}  // namespace kiln::autograd
