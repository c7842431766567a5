// Registry entries of the recurrent layers and cells (nn/recurrent.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/op_list.h"
#include "nn/recurrent.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

// A layer of `mode` (3 input features, `hidden` units) over 4 steps of a batch of 2 with
// random initial states: gradients for the input and initial states (parameter gradients
// are checked against PyTorch in tests/nn). Each call builds the layer in the input's dtype
// from one fixed state dict.
std::vector<OpSample> layer_samples(Generator& g, const char* label, RecurrentMode mode,
                                    int64_t hidden, RecurrentOptions options) {
  manual_seed(7);
  const StateDict state = RecurrentBase(mode, 3, hidden, options).state_dict();
  const int64_t states = options.num_layers * (options.bidirectional ? 2 : 1);
  const int64_t h_size = options.proj_size > 0 ? options.proj_size : hidden;
  const Shape input_shape = options.batch_first ? Shape{2, 4, 3} : Shape{4, 2, 3};
  V inputs = {leaf(normal(g, input_shape)), leaf(normal(g, {states, 2, h_size}))};
  if (mode == RecurrentMode::Lstm) inputs.push_back(leaf(normal(g, {states, 2, hidden})));
  return {{label, inputs, [mode, hidden, options, state](const V& v) {
             RecurrentBase layer(mode, 3, hidden, options);
             layer.to(v[0].dtype());
             layer.load_state_dict(state);
             layer.to(v[0].device());
             const RecurrentResult r = layer.forward(v[0], v[1], v.size() > 2 ? v[2] : Tensor());
             V parts = {r.output.flatten(), r.h_n.flatten()};
             if (r.c_n.defined()) parts.push_back(r.c_n.flatten());
             return cat(parts);
           }}};
}

OpEntry layer_entry(Op op, RecurrentMode mode, RecurrentOptions options) {
  return entry(
      op,
      [mode, options](Generator& g) {
        return layer_samples(g, "with initial states", mode, 2, options);
      },
      8);
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(layer_entry(Op::rnn, RecurrentMode::RnnTanh, {.num_layers = 2}));
  // With projections, 2 units to 1 (the golden tests cover layers that read projected h).
  entries.push_back(with_samples(
      layer_entry(Op::lstm, RecurrentMode::Lstm, {.bidirectional = true}), [](Generator& g) {
        return layer_samples(g, "projected", RecurrentMode::Lstm, 2, {.proj_size = 1});
      }));
  entries.push_back(
      layer_entry(Op::gru, RecurrentMode::Gru, {.num_layers = 2, .batch_first = true}));
  for (const auto& [op, mode] : {std::pair{Op::rnn_cell, RecurrentMode::RnnTanh},
                                 std::pair{Op::lstm_cell, RecurrentMode::Lstm},
                                 std::pair{Op::gru_cell, RecurrentMode::Gru}}) {
    // An init-capture: clang before 16 captures no structured binding.
    entries.push_back(entry(
        op,
        [mode = mode](Generator& g) {
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

const BadInputRegistrar bad_inputs({
    {Op::lstm,
     {{"LstmProjSizeNotBelowHidden",
       [] { LSTM(3, 4, {.proj_size = 4}); },
       {"LSTM: proj_size has to be smaller than hidden_size, got proj_size 4 and hidden_size 4"}},
      {"LstmNegativeProjSize",
       [] { LSTM(3, 4, {.proj_size = -1}); },
       {"LSTM: proj_size must be non-negative", "got -1"}},
      {"LstmProjectedH0Size",
       [] {
         LSTM(3, 4, {.proj_size = 2}).forward(f32({5, 2, 3}), f32({1, 2, 4}));
       },
       {"LSTM: h0 of shape [1, 2, 4] does not match [1, 2, 2]"}},
      {"LstmProjectedC0KeepsHiddenSize",
       [] {
         LSTM(3, 4, {.proj_size = 2}).forward(f32({5, 2, 3}), f32({1, 2, 2}), f32({1, 2, 2}));
       },
       {"LSTM: c0 of shape [1, 2, 2] does not match [1, 2, 4]"}}}},
    {Op::gru,
     {{"GruProjSize",
       [] { GRU(3, 4, {.proj_size = 2}); },
       {"GRU: proj_size is only supported for LSTM, not RNN or GRU"}}}},
});

}  // namespace

}  // namespace kiln::nn
