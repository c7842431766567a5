"""PyTorch twins of kiln's CUDA benchmarks (bench/cuda_benchmarks.cpp) on the same GPU:
attention forward + backward (batch 8, 8 heads, head dim 64, sequence 1k and 4k) through
torch.nn.functional.scaled_dot_product_attention, and WORKLOADS.md's W2 and W3 training
steps at batch 256, in eager mode.

Run by bench/compare_cuda.py:
    python cuda_workloads.py --repetitions 15 --min-time 0.2
Prints one JSON object per workload: name and per-call times in ms, timed with CUDA events,
the names matching bench/cuda_benchmarks.cpp's.
"""
import argparse
import json

import torch

from workloads import lstm_step_on, transformer_step_on


def attention(length):
    torch.manual_seed(0)
    shape = (8, 8, length, 64)
    q, k, v = (torch.randn(shape, device="cuda", requires_grad=True) for _ in range(3))
    d_out = torch.randn(shape, device="cuda")

    def step():
        torch.nn.functional.scaled_dot_product_attention(q, k, v).backward(d_out)

    return step


def time_per_call(fn, min_time):
    """Median-ready time of one call in ms: enough calls to fill min_time, events around each."""
    fn()
    torch.cuda.synchronize()
    times, total = [], 0.0
    while total < min_time * 1e3 or len(times) < 3:
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
        total += times[-1]
    return sorted(times)[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--filter", default="", help="run only workloads containing this text")
    args = parser.parse_args()
    workloads = {
        "CUDA_attention_fwd_bwd/L:1024": lambda: attention(1024),
        "CUDA_attention_fwd_bwd/L:4096": lambda: attention(4096),
        "CUDA_W2_transformer_step": lambda: transformer_step_on(256, "cuda"),
        "CUDA_W3_lstm_step": lambda: lstm_step_on(256, "cuda"),
    }
    for name, make in workloads.items():
        if args.filter not in name:
            continue
        fn = make()
        samples = [time_per_call(fn, args.min_time) for _ in range(args.repetitions)]
        print(json.dumps({"name": name, "samples_ms": samples}), flush=True)


if __name__ == "__main__":
    main()
