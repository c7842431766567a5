"""Reference workloads W1 and W7 of WORKLOADS.md in PyTorch, timed like kiln's.

Run by bench/compare.py, once per thread count, with OMP_NUM_THREADS already set:
    python workloads.py --threads 2 --repetitions 15 --min-time 0.2
Prints one JSON object per workload: name, threads, and per-call times in ms (median, min,
max over repetitions), the names matching bench/workloads.cpp's.
"""
import argparse
import json
import time

import torch


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
    }


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
    with torch.no_grad():
        for name, fn in make_workloads().items():
            if args.filter not in name:
                continue
            time_per_call(fn, args.min_time)  # warm-up
            samples = sorted(time_per_call(fn, args.min_time) for _ in range(args.repetitions))
            print(json.dumps({"name": name, "threads": args.threads,
                              "median_ms": samples[len(samples) // 2],
                              "min_ms": samples[0], "max_ms": samples[-1],
                              "samples_ms": samples}), flush=True)


if __name__ == "__main__":
    main()
