"""Mamba fixtures (tests/fixtures/models/), written by make_fixtures.py with the twin of
mamba_twin.py:

mamba_lm.safetensors: a tiny MambaLMHeadModel in float32 under mamba_ssm's parameter names
(param.*), one batch (batch.0 tokens, batch.1 targets), its logits, mean cross-entropy loss,
every parameter's gradient (grad.*) and the losses of ten AdamW steps with A_log and D kept out
of weight decay (adamw_losses); the metadata's "twin" holds, as JSON, the config, the
parameters' names in named_parameters() order and those kept out of weight decay.

selective_scan.safetensors: float64 cases of selective_scan_ref, one per layout of B and C and
per option, each under its name: the inputs, out, last_state (cases with return_last_state),
the output gradients grad_out and grad_last_state, and grad.<input> for every input; the
metadata's "delta_softplus" says, as a JSON object, which cases apply softplus to delta.

The metadata is one entry per file: safetensors writes several in no fixed order, and the
files are to come out the same, byte for byte, on every run."""
import copy
import json
from dataclasses import asdict

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from mamba_twin import MambaConfig, MambaLMHeadModel, selective_scan_ref
from model_fixtures import OUT

SCAN_INPUTS = ("u", "delta", "A", "B", "C", "D", "z", "delta_bias")


def save(name, tensors, metadata):
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().clone().contiguous() for k, v in tensors.items()},
              OUT / f"{name}.safetensors", metadata=metadata)


@torch.no_grad()
def check_decoding(model, tokens, logits):
    """The twin's recurrent step, and a prefill followed by steps, give the full forward's
    logits (float64, so that only the order of the sums differs)."""
    model = copy.deepcopy(model).double()
    full = model(tokens)
    assert torch.allclose(full.float(), logits, rtol=1e-4, atol=1e-5)
    cache = model.allocate_inference_cache(tokens.shape[0], torch.float64)
    stepped = torch.stack([model.step(tokens[:, t], cache) for t in range(tokens.shape[1])], 1)
    assert torch.allclose(stepped, full, rtol=1e-12, atol=1e-12), (stepped - full).abs().max()
    cache = model.allocate_inference_cache(tokens.shape[0], torch.float64)
    prefix = model(tokens[:, :3], cache)
    rest = torch.stack([model.step(tokens[:, t], cache) for t in range(3, tokens.shape[1])], 1)
    assert torch.allclose(torch.cat([prefix, rest], 1), full, rtol=1e-12, atol=1e-12)


def write_mamba_lm():
    torch.manual_seed(11)
    config = MambaConfig(d_model=16, n_layer=2, vocab_size=11, d_state=4, expand=2, d_conv=4)
    model = MambaLMHeadModel(config)
    # Away from the initial values (D = 1, A_log the same in every channel, unit norm
    # weights), so that every parameter and every index of it matters.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    tokens = torch.randint(0, config.vocab_size, (2, 9))
    targets = torch.randint(0, config.vocab_size, (2, 9))
    params = {f"param.{k}": v.clone() for k, v in model.state_dict().items()}

    def loss_of(logits):
        return F.cross_entropy(logits.reshape(-1, config.vocab_size), targets.reshape(-1))

    logits = model(tokens)
    loss = loss_of(logits)
    loss.backward()
    check_decoding(model, tokens, logits.detach())
    tensors = dict(params)
    tensors.update({"batch.0": tokens, "batch.1": targets, "logits": logits, "loss": loss})
    tensors.update({f"grad.{k}": p.grad for k, p in model.named_parameters()})
    no_decay = model.no_weight_decay()
    groups = [
        {"params": [p for k, p in model.named_parameters() if k not in no_decay],
         "weight_decay": 0.1},
        {"params": [p for k, p in model.named_parameters() if k in no_decay], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=1e-2)
    losses = []
    for _ in range(10):
        optimizer.zero_grad()
        step_loss = loss_of(model(tokens))
        step_loss.backward()
        optimizer.step()
        losses.append(step_loss.detach())
    tensors["adamw_losses"] = torch.stack(losses)
    save("mamba_lm", tensors, {"twin": json.dumps({
        "config": asdict(config),
        "named_parameters": [k for k, _ in model.named_parameters()],
        "no_weight_decay": sorted(no_decay)})})


def scan_case(name, tensors, softplus_of, batch=2, dim=4, length=7, state=3, b="fixed", c="fixed",
              groups=2, D=False, z=False, delta_bias=False, delta_softplus=False,
              return_last_state=True):
    """One selective_scan_ref case; b and c: "fixed" [D, N], "variable" [Bt, N, L] or
    "grouped" [Bt, G, N, L]."""
    def leaf(*shape, scale=1.0):
        return (scale * torch.randn(*shape, dtype=torch.float64)).requires_grad_()

    def b_or_c(layout):
        return {"fixed": lambda: leaf(dim, state), "variable": lambda: leaf(batch, state, length),
                "grouped": lambda: leaf(batch, groups, state, length)}[layout]()

    # Without softplus, delta is the step itself: positive, as softplus would make it.
    delta = leaf(batch, dim, length, scale=0.5) if delta_softplus else (
        0.05 + 0.5 * torch.rand(batch, dim, length, dtype=torch.float64)).requires_grad_()
    A = -torch.exp(0.5 * torch.randn(dim, state, dtype=torch.float64))  # negative, as Mamba's
    inputs = {"u": leaf(batch, dim, length), "delta": delta, "A": A.requires_grad_(),
              "B": b_or_c(b), "C": b_or_c(c), "D": leaf(dim) if D else None,
              "z": leaf(batch, dim, length) if z else None,
              "delta_bias": leaf(dim, scale=0.5) if delta_bias else None}
    result = selective_scan_ref(**inputs, delta_softplus=delta_softplus,
                                return_last_state=return_last_state)
    out, last_state = result if return_last_state else (result, None)
    grad_out = torch.randn_like(out)
    objective = (out * grad_out).sum()
    saved = {"out": out, "grad_out": grad_out}
    if return_last_state:
        grad_last_state = torch.randn_like(last_state)
        objective = objective + (last_state * grad_last_state).sum()
        saved.update({"last_state": last_state, "grad_last_state": grad_last_state})
    objective.backward()
    for key, x in inputs.items():
        if x is not None:
            saved.update({key: x, f"grad.{key}": x.grad})
    tensors.update({f"{name}.{k}": v for k, v in saved.items()})
    softplus_of[name] = delta_softplus


def write_selective_scan():
    torch.manual_seed(12)
    tensors, softplus_of = {}, {}
    scan_case("fixed_bc", tensors, softplus_of)
    scan_case("fixed_bc_all_options", tensors, softplus_of, D=True, z=True, delta_bias=True,
              delta_softplus=True)
    scan_case("variable_bc", tensors, softplus_of, b="variable", c="variable", D=True,
              delta_softplus=True, return_last_state=False)
    scan_case("variable_bc_mamba", tensors, softplus_of, b="variable", c="variable", D=True, z=True,
              delta_bias=True, delta_softplus=True)
    scan_case("grouped_bc", tensors, softplus_of, b="grouped", c="grouped", z=True,
              delta_bias=True)
    scan_case("mixed_fixed_b_variable_c", tensors, softplus_of, b="fixed", c="variable", D=True,
              delta_softplus=True)
    scan_case("mixed_grouped_b_fixed_c", tensors, softplus_of, b="grouped", c="fixed", z=True,
              delta_bias=True, delta_softplus=True, return_last_state=False)
    # Input-dependent B and C have one number of groups, as selective_scan_fn requires
    # (selective_scan_ref alone would take two).
    scan_case("grouped_bc_softplus_only", tensors, softplus_of, b="grouped", c="grouped",
              delta_softplus=True)
    # Longer than the kernels' chunk of 64 steps: the backward pass crosses checkpoints.
    scan_case("long_mamba", tensors, softplus_of, batch=1, length=130, b="variable", c="variable",
              D=True, z=True, delta_bias=True, delta_softplus=True)
    scan_case("long_grouped_fixed_b", tensors, softplus_of, batch=2, length=130, b="fixed",
              c="grouped", D=True, delta_bias=True, delta_softplus=True)
    save("selective_scan", tensors, {"delta_softplus": json.dumps(softplus_of)})


def write_mamba_fixtures():
    write_mamba_lm()
    write_selective_scan()
