// Registry entries of the recurrent layers and cells (nn/recurrent.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/op_list.h"
#include "nn/recurrent.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

void add_entries(std::vector<OpEntry>& entries) {
  // Recurrent layers: gradients for the input and initial states (parameter gradients are
  // checked against PyTorch in tests/nn/test_golden.cpp). Each call builds the layer in the
  // input's dtype from one fixed state dict.
  struct RecurrentCase {
    Op op;
    RecurrentMode mode;
    RecurrentOptions options;
  };
  for (const RecurrentCase& c :
       {RecurrentCase{Op::rnn, RecurrentMode::RnnTanh, {.num_layers = 2}},
        RecurrentCase{Op::lstm, RecurrentMode::Lstm, {.bidirectional = true}},
        RecurrentCase{Op::gru, RecurrentMode::Gru, {.num_layers = 2, .batch_first = true}}}) {
    entries.push_back(entry(
        c.op,
        [c](Generator& g) {
          manual_seed(7);
          const StateDict state = RecurrentBase(c.mode, 3, 2, c.options).state_dict();
          const int64_t states = c.options.num_layers * (c.options.bidirectional ? 2 : 1);
          // 4 steps of a batch of 2.
          const Shape input_shape = c.options.batch_first ? Shape{2, 4, 3} : Shape{4, 2, 3};
          V inputs = {leaf(normal(g, input_shape)), leaf(normal(g, {states, 2, 2}))};
          if (c.mode == RecurrentMode::Lstm) inputs.push_back(leaf(normal(g, {states, 2, 2})));
          return std::vector<OpSample>{{"with initial states", inputs, [c, state](const V& v) {
                                          RecurrentBase layer(c.mode, 3, 2, c.options);
                                          layer.to(v[0].dtype());
                                          layer.load_state_dict(state);
                                          layer.to(v[0].device());
                                          const RecurrentResult r = layer.forward(
                                              v[0], v[1], v.size() > 2 ? v[2] : Tensor());
                                          V parts = {r.output.flatten(), r.h_n.flatten()};
                                          if (r.c_n.defined()) parts.push_back(r.c_n.flatten());
                                          return cat(parts);
                                        }}};
        },
        8));
  }
  for (const auto& [op, mode] : {std::pair{Op::rnn_cell, RecurrentMode::RnnTanh},
                                 std::pair{Op::lstm_cell, RecurrentMode::Lstm},
                                 std::pair{Op::gru_cell, RecurrentMode::Gru}}) {
    entries.push_back(entry(
        op,
        [mode](Generator& g) {
          manual_seed(8);
          const StateDict state = RecurrentCell(mode, 3, 2).state_dict();
          V inputs = {leaf(normal(g, {2, 3})), leaf(normal(g, {2, 2}))};
          if (mode == RecurrentMode::Lstm) inputs.push_back(leaf(normal(g, {2, 2})));
          return std::vector<OpSample>{{"one step", inputs, [mode, state](const V& v) {
                                          RecurrentCell cell(mode, 3, 2);
                                          cell.to(v[0].dtype());
                                          cell.load_state_dict(state);
                                          cell.to(v[0].device());
                                          const auto [h, c] = cell.forward(
                                              v[0], v[1], v.size() > 2 ? v[2] : Tensor());
                                          return c.defined() ? cat({h.flatten(), c.flatten()}) : h;
                                        }}};
        },
        8));
  }
}

const OpEntryRegistrar registrar(add_entries);

// W3's LSTM at the large size (32 -> 128 over [32, 64, 32], batch first); the layer is built
// once and run in the input's dtype and device.
BenchmarkSamples recurrent_benchmark(RecurrentMode mode) {
  return [mode](Generator& g, BenchSize size) {
    const int64_t input = by_size<int64_t>(size, 8, 32), hidden = by_size<int64_t>(size, 16, 128);
    auto layer =
        std::make_shared<RecurrentBase>(mode, input, hidden, RecurrentOptions{.batch_first = true});
    return std::vector<OpSample>{bench_sample(
        {normal(g, {by_size<int64_t>(size, 4, 32), by_size<int64_t>(size, 8, 64), input})},
        [layer](const V& v) {
          layer->to(v[0].dtype());
          layer->to(v[0].device());
          return layer->forward(v[0]).output;
        })};
  };
}

// One step of a batch of 32 (4 small).
BenchmarkSamples cell_benchmark(RecurrentMode mode) {
  return [mode](Generator& g, BenchSize size) {
    const int64_t input = by_size<int64_t>(size, 8, 32), hidden = by_size<int64_t>(size, 16, 128);
    auto cell = std::make_shared<RecurrentCell>(mode, input, hidden);
    return std::vector<OpSample>{
        bench_sample({normal(g, {by_size<int64_t>(size, 4, 32), input})}, [cell](const V& v) {
          cell->to(v[0].dtype());
          cell->to(v[0].device());
          return cell->forward(v[0]).first;
        })};
  };
}

const BenchmarkRegistrar benchmarks({
    {Op::rnn, recurrent_benchmark(RecurrentMode::RnnTanh)},
    {Op::lstm, recurrent_benchmark(RecurrentMode::Lstm)},
    {Op::gru, recurrent_benchmark(RecurrentMode::Gru)},
    {Op::rnn_cell, cell_benchmark(RecurrentMode::RnnTanh)},
    {Op::lstm_cell, cell_benchmark(RecurrentMode::Lstm)},
    {Op::gru_cell, cell_benchmark(RecurrentMode::Gru)},
});

}  // namespace

}  // namespace kiln::nn
