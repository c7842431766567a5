// Registry entries of convolutions, pooling and unpooling (nn/conv_functional.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/conv_functional.h"
#include "nn/op_list.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;
using functional::PadMode;

std::vector<OpSample> conv1d_padding_modes(Generator& g) {
  return {{"padding_mode reflect, padding 2",
           {leaf(normal(g, {2, 2, 6})), leaf(normal(g, {3, 2, 3})), leaf(normal(g, {3}))},
           [](const V& v) {
             return functional::conv(v[0], v[1], v[2],
                                     {.padding = {2}, .padding_mode = PadMode::Reflect});
           }},
          {"padding_mode circular, causal",
           {leaf(normal(g, {1, 2, 5})), leaf(normal(g, {2, 2, 3}))},
           [](const V& v) {
             return functional::conv(v[0], v[1], {},
                                     {.dilation = {2},
                                      .mode = functional::PaddingMode::Causal,
                                      .padding_mode = PadMode::Circular});
           }}};
}

std::vector<OpSample> conv2d_padding_modes(Generator& g) {
  return {{"padding_mode replicate, padding (1, 2), stride 2",
           {leaf(normal(g, {1, 2, 4, 5})), leaf(normal(g, {2, 2, 3, 3}))},
           [](const V& v) {
             return functional::conv(
                 v[0], v[1], {},
                 {.stride = {2}, .padding = {1, 2}, .padding_mode = PadMode::Replicate});
           }},
          {"padding_mode circular, same",
           {leaf(normal(g, {1, 1, 4, 4})), leaf(normal(g, {2, 1, 2, 3})), leaf(normal(g, {2}))},
           [](const V& v) {
             return functional::conv(
                 v[0], v[1], v[2],
                 {.mode = functional::PaddingMode::Same, .padding_mode = PadMode::Circular});
           }}};
}

std::vector<OpSample> max_pool_with_indices_samples(Generator& g) {
  return {{"return_indices, 1-d: the values",
           {leaf(normal(g, {2, 2, 7}))},
           [](const V& v) {
             return functional::max_pool_with_indices(v[0], {.kernel = {3}, .stride = {2}}).first;
           }},
          // The indices pick elements of a second tensor, so that the checks compare them
          // across dtypes and devices (the input's gradient is zero: indices are constant).
          {"return_indices, 2-d, padding, dilation: another tensor gathered at the indices",
           {leaf(normal(g, {1, 2, 5, 6})), leaf(normal(g, {1, 2, 30}))},
           [](const V& v) {
             const Tensor indices =
                 functional::max_pool_with_indices(
                     v[0], {.kernel = {2, 3}, .padding = {1}, .dilation = {2, 1}})
                     .second;
             return gather(v[1], -1, indices.flatten(2));
           }}};
}

std::vector<OpSample> avg_pool_divisor_override(Generator& g) {
  return {{"2-d, divisor_override 3, padding, ceil mode",
           {leaf(normal(g, {1, 2, 5, 4}))},
           [](const V& v) {
             return functional::avg_pool(v[0], {.kernel = {3, 2},
                                                .stride = {2},
                                                .padding = {1},
                                                .ceil_mode = true,
                                                .divisor_override = 3});
           }},
          {"1-d, divisor_override -2", {leaf(normal(g, {2, 7}))}, [](const V& v) {
             return functional::avg_pool(v[0], {.kernel = {2}, .divisor_override = -2});
           }}};
}

// Indices from max_pool over windows that do not overlap, so that none repeats (a repeated
// index writes one value, but each value gets the gradient, as in PyTorch).
Tensor pooled_indices(Generator& g, const Shape& shape, const functional::PoolOptions& options) {
  return functional::max_pool_with_indices(normal(g, shape), options).second;
}

std::vector<OpSample> max_unpool_samples(Generator& g) {
  return {
      {"1-d, kernel 2",
       {leaf(normal(g, {1, 2, 3})), pooled_indices(g, {1, 2, 6}, {.kernel = {2}})},
       [](const V& v) { return functional::max_unpool(v[0], v[1], {.kernel = {2}}); }},
      {"2-d, padding, output_size [N, C, H, W]",
       {leaf(normal(g, {1, 1, 3, 3})),
        pooled_indices(g, {1, 1, 5, 7}, {.kernel = {2, 3}, .padding = {1}})},
       [](const V& v) {
         return functional::max_unpool(
             v[0], v[1], {.kernel = {2, 3}, .padding = {1}, .output_size = {1, 1, 5, 7}});
       }},
      {"2-d unbatched, stride 3, output_size",
       {leaf(normal(g, {2, 2, 2})),
        pooled_indices(g, {2, 7, 6}, {.kernel = {2, 2}, .stride = {3}})},
       [](const V& v) {
         return functional::max_unpool(v[0], v[1],
                                       {.kernel = {2, 2}, .stride = {3}, .output_size = {7, 6}});
       }},
      {"max_pool_with_indices then max_unpool", {leaf(normal(g, {2, 1, 4, 6}))}, [](const V& v) {
         const auto [values, indices] = functional::max_pool_with_indices(v[0], {.kernel = {2, 2}});
         return functional::max_unpool(values, indices, {.kernel = {2, 2}});
       }}};
}

// The samples of options beyond each entry's first ones.
void add_option_samples(std::vector<OpEntry>& entries) {
  const std::pair<Op, std::vector<OpSample> (*)(Generator&)> options[] = {
      {Op::conv1d, conv1d_padding_modes},
      {Op::conv2d, conv2d_padding_modes},
      {Op::max_pool, max_pool_with_indices_samples},
      {Op::avg_pool, avg_pool_divisor_override}};
  for (const auto& [op, more] : options) {
    OpEntry& extended = entry_of(entries, op);
    extended = with_samples(std::move(extended), more);
  }
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(Op::conv1d, [](Generator& g) {
    return std::vector<OpSample>{
        {"stride 2, padding 1, dilation 2, groups 2",
         {leaf(normal(g, {2, 4, 9})), leaf(normal(g, {4, 2, 3})), leaf(normal(g, {4}))},
         [](const V& v) {
           return functional::conv(v[0], v[1], v[2],
                                   {.stride = {2}, .padding = {1}, .dilation = {2}, .groups = 2});
         }},
        {"causal", {leaf(normal(g, {1, 2, 6})), leaf(normal(g, {3, 2, 2}))}, [](const V& v) {
           return functional::conv(v[0], v[1], {}, {.mode = functional::PaddingMode::Causal});
         }}};
  }));
  entries.push_back(entry(Op::conv2d, [](Generator& g) {
    return std::vector<OpSample>{
        {"stride (2, 1), padding 1, groups 2",
         {leaf(normal(g, {1, 2, 5, 4})), leaf(normal(g, {2, 1, 3, 2})), leaf(normal(g, {2}))},
         [](const V& v) {
           return functional::conv(v[0], v[1], v[2],
                                   {.stride = {2, 1}, .padding = {1}, .groups = 2});
         }},
        {"same", {leaf(normal(g, {1, 1, 4, 4})), leaf(normal(g, {2, 1, 2, 3}))}, [](const V& v) {
           return functional::conv(v[0], v[1], {}, {.mode = functional::PaddingMode::Same});
         }}};
  }));
  entries.push_back(entry(Op::conv_transpose1d, [](Generator& g) {
    return std::vector<OpSample>{
        {"stride 2, padding 1, output_padding 1, groups 2",
         {leaf(normal(g, {1, 4, 4})), leaf(normal(g, {4, 1, 3})), leaf(normal(g, {2}))},
         [](const V& v) {
           return functional::conv_transpose(
               v[0], v[1], v[2],
               {.stride = {2}, .padding = {1}, .output_padding = {1}, .groups = 2});
         }}};
  }));
  entries.push_back(entry(Op::conv_transpose2d, [](Generator& g) {
    return std::vector<OpSample>{{"stride (2, 1), dilation (1, 2)",
                                  {leaf(normal(g, {1, 2, 3, 3})), leaf(normal(g, {2, 2, 2, 2}))},
                                  [](const V& v) {
                                    return functional::conv_transpose(
                                        v[0], v[1], {}, {.stride = {2, 1}, .dilation = {1, 2}});
                                  }}};
  }));
  entries.push_back(entry(Op::max_pool, [](Generator& g) {
    return std::vector<OpSample>{
        {"1-d, stride 2, padding 1",
         {leaf(normal(g, {1, 2, 7}))},
         [](const V& v) {
           return functional::max_pool(v[0], {.kernel = {3}, .stride = {2}, .padding = {1}});
         }},
        {"2-d, ceil mode", {leaf(normal(g, {1, 1, 5, 4}))}, [](const V& v) {
           return functional::max_pool(v[0], {.kernel = {2, 2}, .ceil_mode = true});
         }}};
  }));
  entries.push_back(entry(Op::avg_pool, [](Generator& g) {
    return std::vector<OpSample>{
        {"1-d, padding, count_include_pad off",
         {leaf(normal(g, {1, 2, 7}))},
         [](const V& v) {
           return functional::avg_pool(
               v[0], {.kernel = {3}, .stride = {2}, .padding = {1}, .count_include_pad = false});
         }},
        {"2-d, ceil mode", {leaf(normal(g, {1, 1, 5, 4}))}, [](const V& v) {
           return functional::avg_pool(v[0], {.kernel = {2, 3}, .ceil_mode = true});
         }}};
  }));
  entries.push_back(entry(Op::adaptive_avg_pool, [](Generator& g) {
    return std::vector<OpSample>{
        {"1-d to 3",
         {leaf(normal(g, {1, 2, 7}))},
         [](const V& v) { return functional::adaptive_avg_pool(v[0], {3}); }},
        {"2-d to (2, 3)", {leaf(normal(g, {1, 1, 5, 4}))}, [](const V& v) {
           return functional::adaptive_avg_pool(v[0], {2, 3});
         }}};
  }));
  entries.push_back(entry(Op::max_unpool, max_unpool_samples, 0));
  add_option_samples(entries);
  // 2 FLOPs per weight element that touches each output (convolution) or input (transposed).
  for (Op op : {Op::conv1d, Op::conv2d}) {
    entry_of(entries, op).flops = [](const V& in, const Tensor& out) {
      return 2.0 * static_cast<double>(out.numel() * (in[1].numel() / in[1].size(0)));
    };
  }
  for (Op op : {Op::conv_transpose1d, Op::conv_transpose2d}) {
    entry_of(entries, op).flops = [](const V& in, const Tensor&) {
      return 2.0 * static_cast<double>(in[0].numel() * (in[1].numel() / in[1].size(0)));
    };
  }
}

const OpEntryRegistrar registrar(add_entries);

// Convolutions of 3-wide kernels over 64 channels (16 small), pooling by 2.
const BenchmarkRegistrar benchmarks({
    {Op::conv1d,
     [](Generator& g, BenchSize size) {
       const int64_t c = by_size<int64_t>(size, 16, 64);
       return std::vector<OpSample>{bench_sample(
           {normal(g, {by_size<int64_t>(size, 4, 32), c, by_size<int64_t>(size, 64, 256)}),
            normal(g, {c, c, 3}), normal(g, {c})},
           [](const V& v) { return functional::conv(v[0], v[1], v[2], {.padding = {1}}); })};
     }},
    {Op::conv2d,
     [](Generator& g, BenchSize size) {
       const int64_t c = by_size<int64_t>(size, 16, 64), hw = by_size<int64_t>(size, 16, 64);
       return std::vector<OpSample>{
           bench_sample({normal(g, {by_size<int64_t>(size, 2, 16), c, hw, hw}),
                         normal(g, {c, c, 3, 3}), normal(g, {c})},
                        [](const V& v) {
                          return functional::conv(v[0], v[1], v[2], {.padding = {1, 1}});
                        })};
     }},
    {Op::conv_transpose1d,
     [](Generator& g, BenchSize size) {
       const int64_t c = by_size<int64_t>(size, 16, 64);
       return std::vector<OpSample>{bench_sample(
           {normal(g, {by_size<int64_t>(size, 4, 32), c, by_size<int64_t>(size, 32, 128)}),
            normal(g, {c, c, 3}), normal(g, {c})},
           [](const V& v) {
             return functional::conv_transpose(v[0], v[1], v[2], {.stride = {2}});
           })};
     }},
    {Op::conv_transpose2d,
     [](Generator& g, BenchSize size) {
       const int64_t c = by_size<int64_t>(size, 16, 64), hw = by_size<int64_t>(size, 8, 32);
       return std::vector<OpSample>{
           bench_sample({normal(g, {by_size<int64_t>(size, 2, 16), c, hw, hw}),
                         normal(g, {c, c, 3, 3}), normal(g, {c})},
                        [](const V& v) {
                          return functional::conv_transpose(v[0], v[1], v[2], {.stride = {2, 2}});
                        })};
     }},
    {Op::max_pool,
     [](Generator& g, BenchSize size) {
       return std::vector<OpSample>{bench_sample(
           {normal(g, by_size<Shape>(size, {2, 16, 16, 16}, {16, 64, 64, 64}))}, [](const V& v) {
             return functional::max_pool(v[0], {.kernel = {2, 2}});
           })};
     }},
    {Op::max_unpool,
     [](Generator& g, BenchSize size) {
       const auto [values, indices] = functional::max_pool_with_indices(
           normal(g, by_size<Shape>(size, {2, 16, 16, 16}, {16, 64, 64, 64})), {.kernel = {2, 2}});
       return std::vector<OpSample>{bench_sample({values, indices}, [](const V& v) {
         return functional::max_unpool(v[0], v[1], {.kernel = {2, 2}});
       })};
     }},
    {Op::avg_pool,
     [](Generator& g, BenchSize size) {
       return std::vector<OpSample>{bench_sample(
           {normal(g, by_size<Shape>(size, {2, 16, 16, 16}, {16, 64, 64, 64}))}, [](const V& v) {
             return functional::avg_pool(v[0], {.kernel = {2, 2}});
           })};
     }},
    {Op::adaptive_avg_pool,
     [](Generator& g, BenchSize size) {
       return std::vector<OpSample>{bench_sample(
           {normal(g, by_size<Shape>(size, {2, 16, 16, 16}, {16, 64, 64, 64}))}, [](const V& v) {
             return functional::adaptive_avg_pool(v[0], {4, 4});
           })};
     }},
});

const BadInputRegistrar bad_inputs({
    {Op::conv1d,
     {{"Conv1dReflectPaddingAsLargeAsTheInput",
       [] {
         functional::conv(f32({1, 1, 3}), f32({1, 1, 3}), {},
                          {.padding = {3}, .padding_mode = PadMode::Reflect});
       },
       {"pad: reflect padding (3, 3) of dim 2 must be smaller than its size 3"}}}},
    {Op::avg_pool,
     {{"AvgPoolZeroDivisor",
       [] {
         functional::avg_pool(f32({1, 1, 4}), {.kernel = {2}, .divisor_override = 0});
       },
       {"avg_pool: divisor_override must not be 0"}}}},
    {Op::max_unpool,
     {{"MaxUnpoolFloatIndices",
       [] {
         functional::max_unpool(f32({1, 1, 2}), f32({1, 1, 2}), {.kernel = {2}});
       },
       {"max_unpool: indices must be int64, got float32"}},
      {"MaxUnpoolIndicesShape",
       [] {
         functional::max_unpool(f32({1, 1, 3}), i64({1, 1, 2}), {.kernel = {2}});
       },
       {"max_unpool: indices of shape [1, 1, 2] differ from the input's [1, 1, 3]"}},
      {"MaxUnpoolKernelDims",
       [] {
         functional::max_unpool(f32({1, 2}), i64({1, 2}), {.kernel = {2, 2}});
       },
       {"max_unpool: kernel of 2 dims for an input of shape [1, 2]"}},
      {"MaxUnpoolIndexOutsideThePlane",
       [] {
         functional::max_unpool(f32({1, 1, 2}), indices({0, 4}, {1, 1, 2}), {.kernel = {2}});
       },
       {"max_unpool: an index is outside [0, 4), the output plane of shape [4]"}},
      {"MaxUnpoolOutputSizeLength",
       [] {
         functional::max_unpool(f32({1, 1, 2}), i64({1, 1, 2}),
                                {.kernel = {2}, .output_size = {4, 4}});
       },
       {"max_unpool: output_size needs 1 or 3 values, got 2"}},
      {"MaxUnpoolOutputSizeOutOfRange",
       [] {
         functional::max_unpool(f32({1, 1, 2}), i64({1, 1, 2}),
                                {.kernel = {2}, .output_size = {6}});
       },
       {"max_unpool: output_size 6 of spatial dim 0 must lie between 2 and 6, exclusive"}}}},
});

}  // namespace

}  // namespace kiln::nn
