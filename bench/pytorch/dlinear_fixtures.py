"""DLinear fixtures (tests/fixtures/models/), written by make_fixtures.py with the twin of
dlinear_twin.py:

dlinear.safetensors (channels share the two linear layers) and dlinear_individual.safetensors
(one pair per channel): the weights under the reference's names (param.*), a batch x
[B, L, C] and target y [B, H, C], the forecast (output), the MSE loss against y and every
parameter's gradient (grad.*). The metadata's "twin" holds, as JSON, the shape (kiln's
ForecastShape) and the config (kiln's DLinear::Config)."""
import json

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from dlinear_twin import Model
from model_fixtures import OUT


def series_batch(batch, length, channels):
    """Level, trend, a season and noise per channel: what the decomposition separates."""
    steps = torch.arange(length, dtype=torch.float32).view(1, length, 1)
    level = 2 * torch.randn(batch, 1, channels)
    slope = 0.1 * torch.randn(batch, 1, channels)
    season = torch.sin(2 * torch.pi * steps / 6 + torch.rand(batch, 1, channels) * 6)
    return level + slope * steps + season + 0.3 * torch.randn(batch, length, channels)


def write_dlinear(name, shape, config, seed):
    torch.manual_seed(seed)
    model = Model(shape["lookback"], shape["horizon"], shape["channels"],
                  individual=config["individual"], moving_avg=config["moving_avg"])
    params = {f"param.{k}": v.clone() for k, v in model.state_dict().items()}
    series = series_batch(3, shape["lookback"] + shape["horizon"], shape["channels"])
    x, y = series[:, :shape["lookback"]], series[:, shape["lookback"]:]
    output = model(x)
    loss = F.mse_loss(output, y)
    loss.backward()
    tensors = dict(params)
    tensors.update({"x": x, "y": y, "output": output, "loss": loss})
    tensors.update({f"grad.{k}": p.grad for k, p in model.named_parameters()})
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().clone().contiguous() for k, v in tensors.items()},
              OUT / f"{name}.safetensors",
              metadata={"twin": json.dumps({"shape": shape, "config": config})})


def write_dlinear_fixtures():
    shape = {"lookback": 24, "horizon": 8, "channels": 3, "mark_features": 0}
    # Kernel 25 over 24 steps: every window reaches into the replicated ends.
    write_dlinear("dlinear", shape, {"individual": False, "moving_avg": 25}, seed=31)
    write_dlinear("dlinear_individual", shape, {"individual": True, "moving_avg": 7}, seed=32)


if __name__ == "__main__":
    write_dlinear_fixtures()
