// Registry entries of cat, stack, split and chunk (autograd/ops_join.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"

namespace kiln::autograd {

namespace {

using namespace samples;
using V = std::vector<Tensor>;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(variants_entry(
      CompositeOp::split, {{"sizes of 2", {3, 5}, [](const V& v) { return v[0].split(2, 1)[1]; }},
                           {"listed sizes", {5, 2}, [](const V& v) {
                              return split(v[0], {1, 4}, 0)[1];
                            }}}));
  entries.push_back(variants_entry(
      CompositeOp::chunk, {{"3 chunks", {7, 2}, [](const V& v) { return v[0].chunk(3, 0)[2]; }}}));

  entries.push_back({.op = Op::cat,
                     .samples =
                         [](Generator& g) {
                           return std::vector<OpSample>{
                               {"dim 0",
                                {leaf(normal(g, {2, 3})), leaf(normal(g, {1, 3}))},
                                [](const V& v) {
                                  return cat({v[0], v[1]}, 0);
                                }},
                               {"dim -1, with a constant",
                                {leaf(normal(g, {2, 3})), normal(g, {2, 2})},
                                [](const V& v) {
                                  return cat({v[0], v[1], v[0]}, -1);
                                }},
                               {"with an empty 1-D tensor",
                                {leaf(normal(g, {2, 3})), leaf(normal(g, {0}))},
                                [](const V& v) {
                                  return cat({v[1], v[0]}, 0);
                                }}};
                         },
                     .flops_per_element = 0});
  entries.push_back(
      {.op = Op::stack,
       .samples =
           [](Generator& g) {
             return std::vector<OpSample>{
                 {"dim 0",
                  {leaf(normal(g, {2, 3})), leaf(normal(g, {2, 3}))},
                  [](const V& v) {
                    return stack({v[0], v[1]}, 0);
                  }},
                 {"dim -1", {leaf(normal(g, {3})), leaf(normal(g, {3}))}, [](const V& v) {
                    return stack({v[0], v[1], v[0]}, -1);
                  }}};
           },
       .flops_per_element = 0});
}

const OpEntryRegistrar registrar(add_entries);

}  // namespace

}  // namespace kiln::autograd
