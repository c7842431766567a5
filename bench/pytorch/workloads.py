"""Reference workloads W1 to W7 of WORKLOADS.md and the autograd-overhead workloads
(AG_*) in PyTorch, timed like kiln's.

Run by bench/compare.py, once per thread count, with OMP_NUM_THREADS already set:
    python workloads.py --threads 2 --repetitions 15 --min-time 0.2
Prints one JSON object per workload: name, threads, and per-call times in ms (median, min,
max over repetitions), the names matching bench/workloads.cpp's.
"""
import argparse
import json
import time

import torch

from attention_model_twin import AttentionModel, tour_lengths
from mamba_twin import selective_scan_ref
from patchtst_twin import Model as PatchTST
from selective_scan import selective_scan_pscan


# models::PatchTST::Config's defaults (the ETTh1 scripts') with W5's affine RevIN, no dropout.
PATCHTST_ETTH1 = {
    "e_layers": 3, "n_heads": 4, "d_model": 16, "d_ff": 128, "dropout": 0.0, "attn_dropout": 0.0,
    "head_dropout": 0.0, "patch_len": 16, "stride": 8, "padding_patch": "end", "revin": True,
    "affine": True, "subtract_last": False, "individual": False, "decomposition": False,
    "kernel_size": 25, "act": "gelu", "res_attention": True, "pre_norm": False}


def make_workloads():
    torch.manual_seed(0)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    x, y = torch.randn(4096, 1024), torch.randn(4096, 1024)
    weight, bias = torch.randn(1024), torch.randn(1024)
    into = torch.empty(4096, 1024)
    return {
        "W1_matmul": lambda: torch.matmul(a, b),
        "W7_add": lambda: x + y,
        "W7_add_into": lambda: torch.add(x, y, out=into),
        "W7_gelu": lambda: torch.nn.functional.gelu(x),
        "W7_softmax": lambda: torch.softmax(x, -1),
        "W7_layer_norm": lambda: torch.nn.functional.layer_norm(x, (1024,), weight, bias, 1e-5),
        "W7_sum": lambda: x.sum(),
        "AG_chain_1000": autograd_chain(),
        "AG_mlp_step": mlp_step(),
        "W2_transformer_step": transformer_step(),
        "W3_lstm_step": lstm_step(),
        "W5_patchtst_step": patchtst_step(),
        "W6_tsp_step": tsp_step(),
        **scan_workloads(),
    }


def scan_workloads():
    """W4: the selective scan at b 8, d 256, l 256, n 16 (softplus, input-dependent B and C),
    forward alone and forward + backward into u, delta, A, B, C and D, through mamba_ssm's
    reference loop and through a parallel scan over L."""
    torch.manual_seed(0)
    b, d, l, n = 8, 256, 256, 16
    u, delta = torch.randn(b, d, l), torch.randn(b, d, l) * 0.5
    A = -torch.arange(1, n + 1, dtype=torch.float32).repeat(d, 1)
    B, C, D = torch.randn(b, n, l), torch.randn(b, n, l), torch.randn(d)
    d_out = torch.randn(b, d, l)
    leaves = [x.clone().requires_grad_() for x in (u, delta, A, B, C, D)]
    workloads = {}
    for way, scan in (("ref", selective_scan_ref), ("pscan", selective_scan_pscan)):
        workloads[f"W4_scan_forward[{way}]"] = (
            lambda scan=scan: scan(u, delta, A, B, C, D, delta_softplus=True))
        workloads[f"W4_scan_forward_backward[{way}]"] = (
            lambda scan=scan: torch.autograd.grad(scan(*leaves, delta_softplus=True), leaves,
                                                  d_out))
    return workloads


class PreNormLayer(torch.nn.Module):
    """x += MHA(LN(x)); x += Linear(GELU(Linear(LN(x))))."""

    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = torch.nn.LayerNorm(128), torch.nn.LayerNorm(128)
        self.attention = torch.nn.MultiheadAttention(128, 4, batch_first=True)
        self.up, self.down = torch.nn.Linear(128, 512), torch.nn.Linear(512, 128)

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attention(h, h, h, need_weights=False)[0]
        return x + self.down(torch.nn.functional.gelu(self.up(self.ln2(x))))


def transformer_step_on(batch, device):
    """W2: tokens [batch, 64] of 128 -> 2 pre-LN encoder layers -> LayerNorm ->
    Linear(128, 128) -> cross-entropy; AdamW(1e-3, weight decay 0.01)."""
    generator = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, 128, (batch, 64), generator=generator).to(device)
    targets = torch.randint(0, 128, (batch, 64), generator=generator).to(device)
    embedding = torch.nn.Embedding(128, 128).to(device)
    positions = torch.nn.Parameter((torch.randn(64, 128) * 0.02).to(device))
    layers = torch.nn.ModuleList([PreNormLayer(), PreNormLayer()]).to(device)
    norm, head = torch.nn.LayerNorm(128).to(device), torch.nn.Linear(128, 128).to(device)
    parameters = [positions] + [p for m in (embedding, layers, norm, head) for p in m.parameters()]
    optimizer = torch.optim.AdamW(parameters, lr=1e-3, weight_decay=0.01)

    def step():
        optimizer.zero_grad()
        x = embedding(tokens) + positions
        for layer in layers:
            x = layer(x)
        logits = head(norm(x))
        torch.nn.functional.cross_entropy(logits.reshape(-1, 128), targets.reshape(-1)).backward()
        optimizer.step()
    return step


def transformer_step():
    return transformer_step_on(32, "cpu")


def lstm_step_on(batch, device):
    """W3: x [batch, 64, 32] -> LSTM(32 -> 128, batch first) -> last hidden ->
    Linear(128, 1) -> MSE; Adam(1e-3)."""
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(batch, 64, 32, generator=generator).to(device)
    y = torch.randn(batch, 1, generator=generator).to(device)
    lstm = torch.nn.LSTM(32, 128, batch_first=True).to(device)
    head = torch.nn.Linear(128, 1).to(device)
    optimizer = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)

    def step():
        optimizer.zero_grad()
        _, (h_n, _) = lstm(x)
        torch.nn.functional.mse_loss(head(h_n[0]), y).backward()
        optimizer.step()
    return step


def lstm_step():
    return lstm_step_on(32, "cpu")


def patchtst_step_on(batch, device):
    """W5: one PatchTST training step (patchtst_twin.py with the ETTh1 config, affine RevIN, no
    dropout) on `batch` windows [336, 7] forecasting 96; MSE, Adam(1e-4)."""
    torch.manual_seed(0)
    x, y = torch.randn(batch, 336, 7).to(device), torch.randn(batch, 96, 7).to(device)
    model = PatchTST({**PATCHTST_ETTH1, "seq_len": 336, "pred_len": 96, "enc_in": 7}).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

    def step():
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
    return step


def patchtst_step():
    return patchtst_step_on(128, "cpu")


def tsp_step_on(batch, device):
    """W6: one REINFORCE step of the attention model (attention_model_twin.py) on `batch` fixed
    TSP20 instances: greedy tours, baseline v = 0.8 v + 0.2 mean(cost) (the first batch's mean
    at the first call), loss mean((cost - v) log p(tour)); Adam(1e-4)."""
    torch.manual_seed(0)
    coords = torch.rand(batch, 20, 2).to(device)
    model = AttentionModel().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    baseline = []

    def step():
        optimizer.zero_grad()
        tours, log_likelihood = model(coords)
        cost = tour_lengths(coords, tours)
        mean = cost.mean().item()
        baseline[:] = [0.8 * baseline[0] + 0.2 * mean if baseline else mean]
        ((cost - baseline[0]) * log_likelihood).mean().backward()
        optimizer.step()
    return step


def tsp_step():
    return tsp_step_on(512, "cpu")


def autograd_chain():
    """Forward and backward of 1000 ops on 64 elements (bench/workloads.cpp's ag_chain)."""
    x = torch.randn(64).requires_grad_()
    scale, shift = torch.rand(64) + 0.5, torch.randn(64)

    def step():
        y = x
        for _ in range(500):
            y = y * scale + shift
        y.sum().backward()
        x.grad = None
    return step


def mlp_step():
    """relu(x W1 + b1) W2 + b2, mean squared output, backward (batch 32, width 128)."""
    x = torch.randn(32, 128)
    parameters = [(torch.randn(128, 128) * 0.1).requires_grad_(), torch.zeros(128, requires_grad=True),
                  (torch.randn(128, 128) * 0.1).requires_grad_(), torch.zeros(128, requires_grad=True)]
    w1, b1, w2, b2 = parameters

    def step():
        hidden = (x @ w1 + b1).relu()
        out = hidden @ w2 + b2
        out.square().mean().backward()
        for p in parameters:
            p.grad = None
    return step


def time_per_call(fn, min_time):
    """Median-able sample: calls fn in a batch lasting at least min_time, returns ms/call."""
    calls, elapsed = 1, 0.0
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return elapsed / calls * 1e3
        calls *= 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--filter", default="", help="run only workloads containing this text")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for name, fn in make_workloads().items():
        if args.filter not in name:
            continue
        # Only the autograd and training workloads record a graph.
        recorded = name.startswith(("AG_", "W2", "W3", "W4_scan_forward_backward", "W5", "W6"))
        with torch.set_grad_enabled(recorded):
            time_per_call(fn, args.min_time)  # warm-up
            samples = sorted(time_per_call(fn, args.min_time) for _ in range(args.repetitions))
            print(json.dumps({"name": name, "threads": args.threads,
                              "median_ms": samples[len(samples) // 2],
                              "min_ms": samples[0], "max_ms": samples[-1],
                              "samples_ms": samples}), flush=True)


if __name__ == "__main__":
    main()
