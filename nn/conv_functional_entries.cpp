// Registry entries of convolutions and pooling (nn/conv_functional.cpp).
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

// The samples of options beyond each entry's first ones.
void add_option_samples(std::vector<OpEntry>& entries) {
  const std::pair<Op, std::vector<OpSample> (*)(Generator&)> options[] = {
      {Op::conv1d, conv1d_padding_modes}, {Op::conv2d, conv2d_padding_modes}};
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
});

}  // namespace

}  // namespace kiln::nn
