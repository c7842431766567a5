// Registry entry of lstm_cell_pointwise (autograd/ops_lstm_cell_pointwise.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/ops_lstm_cell_pointwise.h"

namespace kiln::autograd {

namespace {

using namespace samples;

// Both outputs, flattened into one, so that the checks see the gradient of each.
Tensor both_states(const V& v) {
  const LstmCellState next = lstm_cell_pointwise(v[0], v[1], v[2]);
  return cat({next.h.flatten(), (next.c * 0.5).flatten()});
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(
      {.op = Op::lstm_cell_pointwise,
       .samples =
           [](Generator& g) {
             return std::vector<OpSample>{
                 {"3 rows of 5 units",
                  {leaf(normal(g, {3, 20})), leaf(normal(g, {3, 20})), leaf(normal(g, {3, 5}))},
                  both_states},
                 {"h' alone, gates of a wider input",
                  {leaf(normal(g, {2, 12}).narrow(1, 0, 8)), leaf(normal(g, {2, 8})),
                   leaf(normal(g, {2, 2}))},
                  [](const V& v) { return lstm_cell_pointwise(v[0], v[1], v[2]).h; }},
                 {"c' alone",
                  {leaf(normal(g, {4, 12})), leaf(normal(g, {4, 12})), leaf(normal(g, {4, 3}))},
                  [](const V& v) { return lstm_cell_pointwise(v[0], v[1], v[2]).c; }}};
           },
       .flops_per_element = 8});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::lstm_cell_pointwise,
     {
         {"LstmCellPointwiseGatesShape",
          [] {
            lstm_cell_pointwise(f32({2, 12}), f32({2, 16}), f32({2, 4}));
          },
          {"lstm_cell_pointwise: gates of shape [2, 12]", "expected [2, 16]"}},
         {"LstmCellPointwiseCellRank",
          [] { lstm_cell_pointwise(f32({8}), f32({8}), f32({2})); },
          {"lstm_cell_pointwise: the cell state must be [N, H]"}},
     }},
});

const BenchmarkRegistrar benchmarks({
    {Op::lstm_cell_pointwise,
     [](Generator& g, BenchSize size) {
       const int64_t batch = by_size<int64_t>(size, 32, 256),
                     hidden = by_size<int64_t>(size, 128, 1024);
       return std::vector<OpSample>{
           bench_sample({normal(g, {batch, 4 * hidden}), normal(g, {batch, 4 * hidden}),
                         normal(g, {batch, hidden})},
                        both_states)};
     }},
});

}  // namespace

}  // namespace kiln::autograd
