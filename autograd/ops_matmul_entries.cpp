// Registry entry of matmul (autograd/ops_matmul.cpp).
#include <sstream>
#include "autograd/functions.h"
#include "autograd/registry/samples.h"

namespace kiln::autograd {

namespace {

using namespace samples;
using V = std::vector<Tensor>;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(
      {.op = Op::matmul,
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
}

const OpEntryRegistrar registrar(add_entries);

}  // namespace

}  // namespace kiln::autograd
