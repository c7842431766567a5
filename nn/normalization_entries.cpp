// Registry entries of group and instance normalisation (nn/functional.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/functional.h"
#include "nn/op_list.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(
      Op::group_norm,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"[2, 4, 3] in 2 groups, affine",
             {leaf(normal(g, {2, 4, 3})), leaf(normal(g, {4})), leaf(normal(g, {4}))},
             [](const V& v) { return functional::group_norm(v[0], 2, v[1], v[2]); }},
            {"[1, 3, 2, 2] in 3 groups, no affine",
             {leaf(normal(g, {1, 3, 2, 2}))},
             [](const V& v) { return functional::group_norm(v[0], 3); }}};
      },
      8));
  entries.push_back(entry(
      Op::instance_norm,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"[2, 3, 4], affine",
             {leaf(normal(g, {2, 3, 4})), leaf(normal(g, {3})), leaf(normal(g, {3}))},
             [](const V& v) {
               return functional::instance_norm(v[0], {.weight = v[1], .bias = v[2]});
             }},
            {"[1, 2, 3, 2], running statistics updated",
             {leaf(normal(g, {1, 2, 3, 2}))},
             [](const V& v) {
               const TensorOptions options{.dtype = v[0].dtype(), .device = v[0].device()};
               return functional::instance_norm(
                   v[0], {.running_mean = zeros({2}, options), .running_var = ones({2}, options)});
             }},
            {"[2, 2, 3] with the running statistics",
             {leaf(normal(g, {2, 2, 3})), uniform(g, {2}, -1, 1), uniform(g, {2}, 0.5, 2)},
             [](const V& v) {
               return functional::instance_norm(
                   v[0], {.running_mean = v[1], .running_var = v[2], .use_input_stats = false});
             }}};
      },
      8));
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::group_norm,
     {{"GroupNormChannelsNotDivisible",
       [] {
         functional::group_norm(f32({2, 6, 3}), 4);
       },
       {"group_norm: 6 channels do not split into 4 groups"}},
      {"GroupNormOneDim",
       [] { functional::group_norm(f32({6}), 2); },
       {"group_norm: expected an input [N, C, *], got shape [6]"}},
      {"GroupNormWeightSize",
       [] {
         functional::group_norm(f32({2, 4, 3}), 2, f32({3}));
       },
       {"group_norm: weight of shape [3] does not match the input's 4 channels"}}}},
    {Op::instance_norm,
     {{"InstanceNormOnePosition",
       [] {
         functional::instance_norm(f32({2, 3, 1}));
       },
       {"instance_norm: expected more than one position per channel, got shape [2, 3, 1]"}},
      {"InstanceNormNoRunningStatistics",
       [] {
         functional::instance_norm(f32({2, 3, 4}), {.use_input_stats = false});
       },
       {"instance_norm: use_input_stats=false needs running_mean and running_var"}},
      {"InstanceNormHalfTheStatistics",
       [] {
         functional::instance_norm(f32({2, 3, 4}), {.running_mean = f32({3})});
       },
       {"instance_norm: give both running_mean and running_var, or neither"}},
      {"InstanceNormTwoDims",
       [] {
         functional::instance_norm(f32({2, 3}));
       },
       {"instance_norm: expected an input [N, C, *], got shape [2, 3]"}}}},
});

// W2's widths: [N, C, L] rows of 128 positions.
const BenchmarkRegistrar benchmarks({
    {Op::group_norm,
     [](Generator& g, BenchSize size) {
       const Shape shape = by_size<Shape>(size, {4, 16, 64}, {32, 256, 512});
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, {shape[1]}), normal(g, {shape[1]})},
                        [](const V& v) { return functional::group_norm(v[0], 8, v[1], v[2]); })};
     }},
    {Op::instance_norm,
     [](Generator& g, BenchSize size) {
       const Shape shape = by_size<Shape>(size, {4, 16, 64}, {32, 256, 512});
       return std::vector<OpSample>{bench_sample(
           {normal(g, shape)}, [](const V& v) { return functional::instance_norm(v[0]); })};
     }},
});

}  // namespace

}  // namespace kiln::nn
