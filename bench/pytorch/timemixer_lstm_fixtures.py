"""Forecaster fixtures (tests/fixtures/models/) for TimeMixer and the LSTM baseline, written by
make_fixtures.py with the twins of timemixer_twin.py and lstm_forecaster_twin.py.

<name>.safetensors holds a tiny model in float32 under the reference's names (param.*, every
state dict entry but TimeMixer's unused 5000-row position table, of which pe_head keeps the
first rows), one batch (x [B, L, C] with a level and scale of its own per window and channel,
x_mark [B, L, F] in [-0.5, 0.5], target [B, H, C]), the forecast (output), its MSE against
the target (loss) and every parameter's gradient (grad.*; a parameter the forward never uses
has none); TimeMixer's also the forecast without calendar features (output_no_marks). Dropout
is 0, so training and evaluation mode agree. The metadata's "twin" holds, as JSON, kiln's
config and ForecastShape and the parameters' names in named_parameters() order."""
import json

import torch
import torch.nn.functional as F

import lstm_forecaster_twin
import timemixer_twin
from mamba_fixtures import save

PE_HEAD_ROWS = 40
# B = 4 against C = 3 channels, so that TimeMixer's pairing of series rows with marks
# ((b C + n) mod B) differs from the batch index.
BATCH = 4


def inputs(shape):
    x = (torch.randn(BATCH, shape["lookback"], shape["channels"])
         * torch.exp(0.5 * torch.randn(BATCH, 1, shape["channels"]))
         + 3 * torch.randn(BATCH, 1, shape["channels"]))
    x_mark = torch.rand(BATCH, shape["lookback"], shape["mark_features"]) - 0.5
    target = torch.randn(BATCH, shape["horizon"], shape["channels"])
    return x, x_mark, target


def perturb(model):
    """Away from the initial values (unit affine weights, zero biases), so that every
    parameter and every index of it matters."""
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))


def forecaster_case(name, model, shape, config, extra=None):
    x, x_mark, target = inputs(shape)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    output = model(x, x_mark)
    loss = F.mse_loss(output, target)
    loss.backward()
    tensors = {f"param.{k}": v for k, v in state.items()
               if k != "enc_embedding.position_embedding.pe"}
    tensors.update({"x": x, "x_mark": x_mark, "target": target, "output": output, "loss": loss})
    tensors.update({f"grad.{k}": p.grad for k, p in model.named_parameters()
                    if p.grad is not None})
    tensors.update(extra(x) if extra else {})
    save(name, tensors, {"twin": json.dumps({
        "config": config, "shape": shape,
        "named_parameters": [k for k, _ in model.named_parameters()]})})


def write_timemixer():
    torch.manual_seed(21)
    shape = {"lookback": 32, "horizon": 8, "channels": 3, "mark_features": 4}
    config = {"d_model": 8, "d_ff": 16, "e_layers": 2, "dropout": 0.0, "moving_avg": 5,
              "down_sampling_layers": 2, "down_sampling_window": 2,
              "down_sampling_method": "avg", "use_norm": True}
    configs = timemixer_twin.Configs(
        seq_len=shape["lookback"], pred_len=shape["horizon"], enc_in=shape["channels"],
        c_out=shape["channels"], mark_features=shape["mark_features"],
        **{**config, "use_norm": int(config["use_norm"])})
    model = timemixer_twin.Model(configs)
    perturb(model)
    pe = model.enc_embedding.position_embedding.pe

    def extra(x):
        with torch.no_grad():
            return {"output_no_marks": model(x, None), "pe_head": pe[0, :PE_HEAD_ROWS]}

    forecaster_case("timemixer", model, shape, config, extra)


def write_lstm_forecaster():
    torch.manual_seed(22)
    shape = {"lookback": 12, "horizon": 5, "channels": 3, "mark_features": 4}
    config = {"hidden_size": 8, "num_layers": 2, "dropout": 0.0, "revin": True}
    model = lstm_forecaster_twin.Model(lstm_forecaster_twin.Configs(
        seq_len=shape["lookback"], pred_len=shape["horizon"], enc_in=shape["channels"],
        **config))
    perturb(model)
    forecaster_case("lstm_forecaster", model, shape, config)


def write_timemixer_lstm_fixtures():
    write_timemixer()
    write_lstm_forecaster()

