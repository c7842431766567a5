// Registry entry of multi-head attention (nn/attention.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/attention.h"
#include "nn/op_list.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using autograd::OpCall;
using autograd::OpEntry;
using autograd::OpSample;
using namespace autograd::samples;
using V = std::vector<Tensor>;

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
}

const autograd::OpEntryRegistrar registrar(add_entries);

}  // namespace

}  // namespace kiln::nn
