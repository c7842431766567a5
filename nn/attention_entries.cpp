// Registry entry of multi-head attention (nn/attention.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/attention.h"
#include "nn/op_list.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(
      Op::multihead_attention,
      [](Generator& g) {
        const Tensor padding = from_vector(
            std::vector<bool>{false, false, true, false, false, false, false, true}, {2, 4});
        return std::vector<OpSample>{
            {"2 heads, key padding, weights",
             {leaf(normal(g, {2, 3, 4})), leaf(normal(g, {2, 4, 4})), leaf(normal(g, {12, 4})),
              leaf(normal(g, {12})), leaf(normal(g, {4, 4})), leaf(normal(g, {4})), padding},
             [](const V& v) {
               const AttentionResult r =
                   functional::multi_head_attention(v[0], v[1], v[1],
                                                    {.in_proj_weight = v[2],
                                                     .in_proj_bias = v[3],
                                                     .out_proj_weight = v[4],
                                                     .out_proj_bias = v[5]},
                                                    2, {.key_padding_mask = v[6]});
               return cat({r.output.flatten(), r.weights.flatten()});
             }}};
      },
      8));
  // query [N, L, E], key [N, S, E]: the four projections and the two products of attention.
  entry_of(entries, Op::multihead_attention).flops = [](const V& in, const Tensor&) {
    const auto n = static_cast<double>(in[0].size(0)), l = static_cast<double>(in[0].size(1)),
               s = static_cast<double>(in[1].size(1)), e = static_cast<double>(in[0].size(2));
    return 2 * n * e * e * (2 * l + 2 * s) + 4 * n * l * s * e;
  };
}

const OpEntryRegistrar registrar(add_entries);

// W2's attention at the large size: 4 heads of 32 over [32, 64, 128] (inputs laid out as
// the check sample's: query, key and value, then the weights).
const BenchmarkRegistrar benchmarks({
    {Op::multihead_attention,
     [](Generator& g, BenchSize size) {
       const int64_t e = by_size<int64_t>(size, 32, 128);
       const Shape shape{by_size<int64_t>(size, 2, 32), by_size<int64_t>(size, 16, 64), e};
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, shape), normal(g, {3 * e, e}),
                         normal(g, {3 * e}), normal(g, {e, e}), normal(g, {e})},
                        [](const V& v) {
                          return functional::multi_head_attention(v[0], v[1], v[1],
                                                                  {.in_proj_weight = v[2],
                                                                   .in_proj_bias = v[3],
                                                                   .out_proj_weight = v[4],
                                                                   .out_proj_bias = v[5]},
                                                                  4, {.need_weights = false})
                              .output;
                        })};
     }},
});

}  // namespace

}  // namespace kiln::nn
