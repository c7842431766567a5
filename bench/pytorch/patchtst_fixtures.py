"""PatchTST fixtures (tests/fixtures/models/), written by make_fixtures.py with the twin of
patchtst_twin.py. Dropout is 0 so that both sides compute the same function.

patchtst.safetensors: the ETTh scripts' architecture, small (RevIN with its affine
parameters, end padding, BatchNorm, residual attention, GELU, the shared flatten head). The
weights and the BatchNorm statistics before the pass (param.*, moved away from their initial
values), a batch x [B, L, C] and target y [B, H, C]; in training mode the forecast (output),
the MSE loss against y, every parameter's gradient (grad.*) and the running statistics after
the pass (buffer.*); then in eval mode, with those statistics, the forecast (eval_output).

patchtst_variants.safetensors: every other path of the model at once: decomposition into two
backbones, RevIN subtracting the last value, no end padding (and a stride that leaves steps
over), pre-norm, no residual attention, ReLU and a head per channel; training
mode and eval mode as above.

The metadata's "twin" holds, as JSON, the shape (kiln's ForecastShape) and the config (kiln's
PatchTST::Config)."""
import json

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from dlinear_fixtures import series_batch
from model_fixtures import OUT
from patchtst_twin import Model

BASE = {"e_layers": 2, "n_heads": 2, "d_model": 8, "d_ff": 16, "dropout": 0.0,
        "attn_dropout": 0.0, "head_dropout": 0.0, "patch_len": 8, "stride": 4,
        "padding_patch": "end", "revin": True, "affine": True, "subtract_last": False,
        "individual": False, "decomposition": False, "kernel_size": 25, "act": "gelu",
        "res_attention": True, "pre_norm": False}


def build(shape, config, seed):
    torch.manual_seed(seed)
    model = Model({**config, "seq_len": shape["lookback"], "pred_len": shape["horizon"],
                   "enc_in": shape["channels"]})
    # Away from the initial RevIN and BatchNorm weights (ones) and biases (zeros), and from
    # the initial running statistics, so that every parameter and buffer matters.
    with torch.no_grad():
        for p in model.parameters():
            if p.requires_grad:  # not the attention's fixed scale
                p.add_(0.1 * torch.randn_like(p))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(0.2 * torch.randn_like(b))
            elif name.endswith("running_var"):
                b.copy_(0.5 + torch.rand_like(b))
            elif name.endswith("num_batches_tracked"):
                b.fill_(5)
    return model


def training_pass(model, shape):
    series = 3 * series_batch(3, shape["lookback"] + shape["horizon"], shape["channels"])
    x, y = series[:, :shape["lookback"]], series[:, shape["lookback"]:]
    output = model(x)
    loss = F.mse_loss(output, y)
    loss.backward()
    grads = {f"grad.{k}": p.grad for k, p in model.named_parameters() if p.requires_grad}
    return {"x": x, "y": y, "output": output, "loss": loss, **grads}


def save(name, tensors, shape, config):
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().clone().contiguous() for k, v in tensors.items()},
              OUT / f"{name}.safetensors",
              metadata={"twin": json.dumps({"shape": shape, "config": config})})


def write_fixture(name, shape, config, seed):
    model = build(shape, config, seed)
    tensors = {f"param.{k}": v.clone() for k, v in model.state_dict().items()}
    model.train()
    tensors.update(training_pass(model, shape))
    tensors.update({f"buffer.{k}": b.clone() for k, b in model.named_buffers()})
    model.eval()
    with torch.no_grad():
        tensors["eval_output"] = model(tensors["x"])
    save(name, tensors, shape, config)


def write_patchtst_fixtures():
    write_fixture("patchtst", {"lookback": 24, "horizon": 8, "channels": 3, "mark_features": 0},
                  BASE, seed=41)
    variants = {**BASE, "patch_len": 6, "stride": 3, "padding_patch": "none",
                "subtract_last": True, "individual": True, "decomposition": True,
                "kernel_size": 5, "act": "relu", "res_attention": False, "pre_norm": True}
    write_fixture("patchtst_variants",
                  {"lookback": 20, "horizon": 5, "channels": 2, "mark_features": 0}, variants,
                  seed=42)


if __name__ == "__main__":
    write_patchtst_fixtures()
