// Registry entries of matmul, the normalisations, scans and orderings
// (autograd/ops_linalg.cpp, ops_normalization.cpp, ops_scan_sort.cpp).
#include <sstream>

#include "autograd/functions.h"
#include "autograd/registry/entries.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

using namespace samples;

namespace {
using V = std::vector<Tensor>;
}  // namespace

void add_linalg_entries(std::vector<OpEntry>& entries) {
  entries.push_back(
      {.name = "matmul",
       .samples =
           [](Generator& g) {
             const OpCall call = [](const V& v) { return matmul(v[0], v[1]); };
             std::vector<OpSample> out;
             for (const auto& [a, b] :
                  std::vector<std::pair<Shape, Shape>>{{{3, 4}, {4, 2}},
                                                       {{2, 3, 4}, {4, 2}},
                                                       {{2, 1, 3, 4}, {2, 4, 2}},
                                                       {{3}, {3, 2}},
                                                       {{2, 3}, {3}},
                                                       {{3}, {3}}}) {
               std::ostringstream label;
               label << a << " @ " << b;
               out.push_back({label.str(), {leaf(normal(g, a)), leaf(normal(g, b))}, call});
             }
             out.push_back(
                 {"non-contiguous operands",
                  {leaf(transposed(normal(g, {3, 4}))), leaf(transposed(normal(g, {4, 2})))},
                  call});
             return out;
           },
       .flops =
           [](const V& in, const Tensor& out) {
             return 2.0 * static_cast<double>(out.numel() * in[0].shape().back());
           }});
  for (const char* name : {"softmax", "log_softmax"}) {
    const bool log = name[0] == 'l';
    auto call = [log](int64_t dim) {
      return [log, dim](const V& v) { return log ? log_softmax(v[0], dim) : softmax(v[0], dim); };
    };
    entries.push_back({.name = name,
                       .samples =
                           [call](Generator& g) {
                             return variants(g, {{"dim -1 of [3, 4]", {3, 4}, call(-1)},
                                                 {"dim 0, non-contiguous", {3, 4}, call(0), true},
                                                 {"dim 1 of [2, 3, 2]", {2, 3, 2}, call(1)},
                                                 {"0-dim", {}, call(0)}});
                           },
                       .flops_per_element = 6});
  }
  entries.push_back(
      {.name = "layer_norm",
       .samples =
           [](Generator& g) {
             return std::vector<OpSample>{
                 {"weight and bias",
                  {leaf(normal(g, {3, 4})), leaf(normal(g, {4})), leaf(normal(g, {4}))},
                  [](const V& v) { return layer_norm(v[0], v[1], v[2]); }},
                 {"no affine, [2, 3, 5]",
                  {leaf(normal(g, {2, 3, 5}))},
                  [](const V& v) { return layer_norm(v[0], {}, {}); }},
                 {"weight only, eps 0.1",
                  {leaf(normal(g, {2, 4})), leaf(normal(g, {4}))},
                  [](const V& v) { return layer_norm(v[0], v[1], {}, 0.1); }}};
           },
       .flops_per_element = 8});
  entries.push_back(
      {.name = "scaled_dot_product_attention",
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
                  }}};
           },
       .flops =
           [](const V& in, const Tensor& out) {
             const double scores = static_cast<double>(out.numel() / out.size(-1)) * in[1].size(-2);
             return 2 * scores * in[0].size(-1) + 2 * scores * out.size(-1) + 5 * scores;
           }});
  auto along = [](const char* name, Domain domain,
                  std::function<Tensor(const Tensor&, int64_t)> op) {
    return OpEntry{
        .name = name, .samples = [domain, op](Generator& g) {
          return std::vector<OpSample>{
              {"dim 1 of [3, 4]",
               {leaf(draw(g, {3, 4}, domain))},
               [op](const V& v) { return op(v[0], 1); }},
              {"dim 0, non-contiguous",
               {leaf(transposed(draw(g, {3, 4}, domain)))},
               [op](const V& v) { return op(v[0], 0); }},
              {"0-dim", {leaf(draw(g, {}, domain))}, [op](const V& v) { return op(v[0], 0); }}};
        }};
  };
  entries.push_back(
      along("cumsum", Domain::Real, [](const Tensor& x, int64_t d) { return cumsum(x, d); }));
  OpEntry cumprod_entry = along("cumprod", Domain::AwayFromZero,
                                [](const Tensor& x, int64_t d) { return cumprod(x, d); });
  cumprod_entry.samples = [away_from_zero = cumprod_entry.samples](Generator& g) {
    std::vector<OpSample> out = away_from_zero(g);
    const Tensor zeros_in =
        from_vector(std::vector<double>{2, 0, 3, 0.5, 1, -1, 0, 2}, {2, 4}, {.dtype = kFloat64});
    out.push_back({"zeros, dim 1", {leaf(zeros_in)}, [](const V& v) { return cumprod(v[0], 1); }});
    return out;
  };
  entries.push_back(std::move(cumprod_entry));
  entries.push_back(along("sort", Domain::Real,
                          [](const Tensor& x, int64_t d) { return sort(x, d, d == 0).first; }));
  entries.push_back(
      {.name = "topk", .samples = [](Generator& g) {
         return variants(
             g,
             {{"2 largest along dim 1", {3, 5}, [](const V& v) { return topk(v[0], 2, 1).first; }},
              {"3 smallest along dim 0",
               {4, 3},
               [](const V& v) { return topk(v[0], 3, 0, false).first; },
               true}});
       }});
}

}  // namespace kiln::autograd
