// Registry entry of scaled_dot_product_attention (autograd/ops_attention.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(
      {.op = Op::scaled_dot_product_attention,
       .samples =
           [](Generator& g) {
             const OpCall plain = [](const V& v) {
               return scaled_dot_product_attention(v[0], v[1], v[2]);
             };
             // Each query may attend to some key: no row is fully masked.
             const Tensor allowed =
                 from_vector(std::vector<bool>{true, false, true, true, false, false, true, true,
                                               true, true, true, false, false, true, true},
                             {3, 5});
             return std::vector<OpSample>{
                 {"batched",
                  {leaf(normal(g, {2, 3, 4})), leaf(normal(g, {2, 5, 4})),
                   leaf(normal(g, {2, 5, 3}))},
                  plain},
                 {"bool mask",
                  {leaf(normal(g, {2, 3, 4})), leaf(normal(g, {2, 5, 4})),
                   leaf(normal(g, {2, 5, 3})), allowed},
                  [](const V& v) { return scaled_dot_product_attention(v[0], v[1], v[2], v[3]); }},
                 {"float mask, scale 0.3",
                  {leaf(normal(g, {3, 4})), leaf(normal(g, {5, 4})), leaf(normal(g, {5, 2})),
                   leaf(normal(g, {3, 5}))},
                  [](const V& v) {
                    return scaled_dot_product_attention(v[0], v[1], v[2], v[3], 0, false, 0.3);
                  }},
                 {"float mask broadcast over the batch, causal",
                  {leaf(normal(g, {2, 4, 3})), leaf(normal(g, {2, 4, 3})),
                   leaf(normal(g, {2, 4, 2})), leaf(normal(g, {4, 1}))},
                  [](const V& v) {
                    return scaled_dot_product_attention(v[0], v[1], v[2], v[3], 0, true);
                  }},
                 {"float mask only",
                  {normal(g, {3, 4}), normal(g, {5, 4}), normal(g, {5, 2}),
                   leaf(normal(g, {3, 5}))},
                  [](const V& v) {
                    return scaled_dot_product_attention(v[0], v[1], v[2], v[3], 0, false, 0.3);
                  }},
                 {"causal",
                  {leaf(normal(g, {2, 4, 3})), leaf(normal(g, {2, 4, 3})),
                   leaf(normal(g, {2, 4, 3}))},
                  [](const V& v) {
                    return scaled_dot_product_attention(v[0], v[1], v[2], {}, 0, true);
                  }},
                 {"dropout 0.3",
                  {leaf(normal(g, {2, 3, 4})), leaf(normal(g, {2, 5, 4})),
                   leaf(normal(g, {2, 5, 3}))},
                  [](const V& v) {
                    Generator mask(5);
                    return scaled_dot_product_attention(v[0], v[1], v[2], {}, 0.3, false,
                                                        std::nullopt, &mask);
                  }},
                 {"grouped query attention, 4 query heads over 2 key and 1 value, causal",
                  {leaf(normal(g, {1, 4, 3, 2})), leaf(normal(g, {1, 2, 3, 2})),
                   leaf(normal(g, {1, 1, 3, 2}))},
                  [](const V& v) {
                    return scaled_dot_product_attention(v[0], v[1], v[2], {}, 0, true, std::nullopt,
                                                        nullptr, true);
                  }}};
           },
       .flops =
           [](const V& in, const Tensor& out) {
             const double scores = static_cast<double>(out.numel() / out.size(-1)) * in[1].size(-2);
             return 2 * scores * in[0].size(-1) + 2 * scores * out.size(-1) + 5 * scores;
           }});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::scaled_dot_product_attention,
     {
         {"AttentionGroupsDoNotDivide",
          [] {
            scaled_dot_product_attention(f32({1, 3, 2, 4}), f32({1, 2, 2, 4}), f32({1, 2, 2, 4}),
                                         {}, 0, false, std::nullopt, nullptr, true);
          },
          {"scaled_dot_product_attention: key and value heads (2, 2) must each divide the "
           "query's 3 heads"}},
         {"AttentionKeyWidthDiffers",
          [] {
            scaled_dot_product_attention(f32({2, 3, 4}), f32({2, 5, 3}), f32({2, 5, 3}));
          },
          {"scaled_dot_product_attention: query [2, 3, 4], key [2, 5, 3]", "do not fit"}},
         {"AttentionValueLengthDiffers",
          [] {
            scaled_dot_product_attention(f32({3, 4}), f32({5, 4}), f32({6, 2}));
          },
          {"scaled_dot_product_attention", "value [6, 2]"}},
         {"AttentionDropoutOne",
          [] {
            scaled_dot_product_attention(f32({3, 4}), f32({5, 4}), f32({5, 2}), {}, 1.0);
          },
          {"scaled_dot_product_attention: dropout_p must be in [0, 1), got 1"}},
         {"AttentionIntegerMask",
          [] {
            scaled_dot_product_attention(f32({3, 4}), f32({5, 4}), f32({5, 2}), i64({3, 5}));
          },
          {"scaled_dot_product_attention: attn_mask must be bool or floating"}},
         {"AttentionMaskNotBroadcastable",
          [] {
            scaled_dot_product_attention(f32({3, 4}), f32({5, 4}), f32({5, 2}), f32({2, 5}));
          },
          {"[3, 5]", "[2, 5]"}},
     }},
});

// Heads of 64 (32 small) over sequences of 256 (32 small), without and with the causal mask.
const BenchmarkRegistrar benchmarks({
    {Op::scaled_dot_product_attention,
     [](Generator& g, BenchSize size) {
       const Shape shape = by_size<Shape>(size, {2, 4, 32, 32}, {8, 8, 256, 64});
       const V inputs = {normal(g, shape), normal(g, shape), normal(g, shape)};
       return std::vector<OpSample>{
           bench_sample(inputs,
                        [](const V& v) { return scaled_dot_product_attention(v[0], v[1], v[2]); }),
           {"causal", inputs, [](const V& v) {
              return scaled_dot_product_attention(v[0], v[1], v[2], {}, 0, true);
            }}};
     }},
});

}  // namespace

}  // namespace kiln::autograd
