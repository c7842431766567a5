#pragma once

// Recurrent layers with PyTorch's equations, gate order, parameter names and shapes:
// RNN (tanh or relu), LSTM (gates i, f, g, o; Hochreiter & Schmidhuber 1997) and GRU (gates
// r, z, n; Cho et al. 2014), multi-layer, bidirectional, batch_first, and their cells. An LSTM
// may project its hidden state (proj_size; Sak et al. 2014): h_t = W_hr (o_t * tanh(c_t)).
#include <optional>

#include "nn/containers.h"

namespace kiln::nn {

enum class RecurrentMode { RnnTanh, RnnRelu, Lstm, Gru };

// H_out is proj_size for an LSTM with projections, hidden_size otherwise.
struct RecurrentResult {
  Tensor output;  // [L, N, directions * H_out] ([N, L, ...] with batch_first; [L, ...] unbatched)
  Tensor h_n;     // [layers * directions, N, H_out]
  Tensor c_n;     // LSTM only: [layers * directions, N, hidden_size]
};

struct RecurrentOptions {
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  double dropout = 0;  // on the outputs of every layer but the last, in training
  bool bidirectional = false;
  // LSTM only: the size (below hidden_size) weight_hr_l<k> projects h to; 0 for none.
  int64_t proj_size = 0;
};

class RecurrentBase : public Module {
 public:
  RecurrentBase(RecurrentMode mode, int64_t input_size, int64_t hidden_size,
                RecurrentOptions options);
  // h0: [layers * directions, N, H_out]; c0 (LSTM): [layers * directions, N, hidden_size];
  // zeros when undefined.
  RecurrentResult forward(const Tensor& input, const Tensor& h0 = {}, const Tensor& c0 = {});
  std::string extra_repr() const override;

 private:
  // H_out: the size of h and of each direction's output.
  int64_t real_hidden_size() const;

  RecurrentMode mode_;
  int64_t input_size_, hidden_size_;
  RecurrentOptions options_;
};

class RNN : public RecurrentBase {
 public:
  RNN(int64_t input_size, int64_t hidden_size, RecurrentOptions options = {}, bool relu = false)
      : RecurrentBase(relu ? RecurrentMode::RnnRelu : RecurrentMode::RnnTanh, input_size,
                      hidden_size, options) {}
};

class LSTM : public RecurrentBase {
 public:
  LSTM(int64_t input_size, int64_t hidden_size, RecurrentOptions options = {})
      : RecurrentBase(RecurrentMode::Lstm, input_size, hidden_size, options) {}
};

class GRU : public RecurrentBase {
 public:
  GRU(int64_t input_size, int64_t hidden_size, RecurrentOptions options = {})
      : RecurrentBase(RecurrentMode::Gru, input_size, hidden_size, options) {}
};

// One step: weight_ih, weight_hh, bias_ih, bias_hh as in the layers.
class RecurrentCell : public Module {
 public:
  RecurrentCell(RecurrentMode mode, int64_t input_size, int64_t hidden_size, bool bias = true);
  // input [N, I] or [I]; h (and c) [N, H] or [H], zeros when undefined. Returns h' and
  // (LSTM) c'.
  std::pair<Tensor, Tensor> forward(const Tensor& input, const Tensor& h = {},
                                    const Tensor& c = {});

  Tensor weight_ih, weight_hh, bias_ih, bias_hh;

 private:
  RecurrentMode mode_;
  int64_t hidden_size_;
};

class RNNCell : public RecurrentCell {
 public:
  RNNCell(int64_t input_size, int64_t hidden_size, bool bias = true, bool relu = false)
      : RecurrentCell(relu ? RecurrentMode::RnnRelu : RecurrentMode::RnnTanh, input_size,
                      hidden_size, bias) {}
};

class LSTMCell : public RecurrentCell {
 public:
  LSTMCell(int64_t input_size, int64_t hidden_size, bool bias = true)
      : RecurrentCell(RecurrentMode::Lstm, input_size, hidden_size, bias) {}
};

class GRUCell : public RecurrentCell {
 public:
  GRUCell(int64_t input_size, int64_t hidden_size, bool bias = true)
      : RecurrentCell(RecurrentMode::Gru, input_size, hidden_size, bias) {}
};

}  // namespace kiln::nn
