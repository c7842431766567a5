"""Fixtures of the inverted forecasters (tests/fixtures/models/), written by make_fixtures.py
with itransformer_twin.py and smamba_twin.py:

itransformer.safetensors, smamba.safetensors: a tiny model in float32 under the reference's
parameter names (param.*), with dropout 0 so training and eval mode agree; one batch x [B, L, C]
(offset and scaled, so that the series normalisation matters), its calendar features
x_mark [B, L, F] and a target [B, H, C]. With x_mark: the forecast (output), the MSE loss
against the target (loss) and every parameter's gradient (grad.*); without x_mark: the same
as output_no_mark, loss_no_mark and grad_no_mark.*; with x_mark and the normalisation off:
output_no_norm. The metadata's "twin" holds the kiln config and the ForecastShape as JSON."""
import json
from dataclasses import asdict

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from itransformer_twin import ITransformer, ITransformerConfig
from model_fixtures import OUT
from smamba_twin import SMamba, SMambaConfig

SHAPE = {"lookback": 16, "horizon": 8, "channels": 3, "mark_features": 4}
BATCH = 3


def loss_and_grads(model, x, x_mark, target):
    model.zero_grad()
    output = model(x, x_mark)
    loss = F.mse_loss(output, target)
    loss.backward()
    return output, loss, {k: p.grad.clone() for k, p in model.named_parameters()}


def write_fixture(name, model, config):
    # Away from the initial LayerNorm weights 1 and biases 0, so every parameter matters.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    x = 3 * torch.randn(BATCH, SHAPE["lookback"], SHAPE["channels"]) + 5
    x_mark = torch.rand(BATCH, SHAPE["lookback"], SHAPE["mark_features"]) - 0.5
    target = torch.randn(BATCH, SHAPE["horizon"], SHAPE["channels"]) + 5
    tensors = {f"param.{k}": v.clone() for k, v in model.state_dict().items()}
    tensors.update({"x": x, "x_mark": x_mark, "target": target})
    output, loss, grads = loss_and_grads(model, x, x_mark, target)
    tensors.update({"output": output, "loss": loss})
    tensors.update({f"grad.{k}": g for k, g in grads.items()})
    output, loss, grads = loss_and_grads(model, x, None, target)
    tensors.update({"output_no_mark": output, "loss_no_mark": loss})
    tensors.update({f"grad_no_mark.{k}": g for k, g in grads.items()})
    model.use_norm = False
    with torch.no_grad():
        tensors["output_no_norm"] = model(x, x_mark)
    kiln_config = {k: v for k, v in asdict(config).items() if k not in ("seq_len", "pred_len")}
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().clone().contiguous() for k, v in tensors.items()},
              OUT / f"{name}.safetensors",
              metadata={"twin": json.dumps({"config": kiln_config, "shape": SHAPE})})


def write_itransformer():
    torch.manual_seed(31)
    config = ITransformerConfig(seq_len=SHAPE["lookback"], pred_len=SHAPE["horizon"], d_model=8,
                                n_heads=2, e_layers=2, d_ff=16, dropout=0.0)
    write_fixture("itransformer", ITransformer(config), config)


def write_smamba():
    torch.manual_seed(32)
    config = SMambaConfig(seq_len=SHAPE["lookback"], pred_len=SHAPE["horizon"], d_model=8,
                          d_state=4, e_layers=2, d_ff=16, dropout=0.0)
    write_fixture("smamba", SMamba(config), config)


def write_inverted_forecaster_fixtures():
    write_itransformer()
    write_smamba()


if __name__ == "__main__":
    write_inverted_forecaster_fixtures()
