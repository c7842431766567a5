"""LSTM-with-projections fixtures (tests/fixtures/nn/lstm_proj_*), written by make_fixtures.py:
torch.nn.LSTM with proj_size > 0 (Sak et al. 2014, h_t = W_hr (o_t * tanh(c_t))), its output,
h_n and c_n, and the gradients of the input, the initial states and every parameter.

The tensors are those of make_fixtures.recurrent_case (fixture_cases.recurrent_outputs_case),
in float64 or, for the float32 case, in float32."""
import torch

from fixture_cases import recurrent_outputs_case


def lstm_case(name, lstm, x, h0=None, c0=None, dtype=torch.float64):
    """lstm(x, (h0, c0)) in `dtype`; gradients of every output against random cotangents."""
    lstm = lstm.to(dtype)
    x = x.to(dtype).requires_grad_()
    states = [s.to(dtype).requires_grad_() for s in (h0, c0) if s is not None]
    params = {k: v.clone() for k, v in lstm.state_dict().items()}
    output, (h_n, c_n) = lstm(x, tuple(states)) if states else lstm(x)
    recurrent_outputs_case(name, lstm, x, states, params,
                           {"output": output, "h_n": h_n, "c_n": c_n})


def write_lstm_proj_fixtures():
    torch.manual_seed(16)
    lstm_case("lstm_proj_1_layer", torch.nn.LSTM(3, 5, proj_size=2), torch.randn(6, 2, 3))
    lstm_case("lstm_proj_2_layers_bidirectional_batch_first",
              torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True, proj_size=3),
              torch.randn(2, 6, 3), torch.randn(4, 2, 3), torch.randn(4, 2, 5))
    lstm_case("lstm_proj_2_layers_f32", torch.nn.LSTM(4, 6, num_layers=2, proj_size=3),
              torch.randn(5, 3, 4), torch.randn(2, 3, 3), torch.randn(2, 3, 6), torch.float32)
