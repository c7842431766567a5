#!/usr/bin/env python3
"""Runs kiln's CUDA benchmarks and their PyTorch twins on the same GPU; prints time ratios.

    bench/pytorch/setup.sh                      # once: PyTorch in bench/pytorch/.venv
    cmake --preset cuda && cmake --build --preset cuda
    bench/compare_cuda.py [--rounds 3] [--repetitions 5] [--filter attention]

kiln_bench_cuda itself prints kiln against cuBLAS and against a device-to-device copy; this
script adds the pairs with PyTorch (attention forward + backward, W2 and W3 at batch 256):
median ms per call of each and kiln/PyTorch (below 1 means kiln is faster).
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

from compare import PYTHON, summarize

ROOT = Path(__file__).resolve().parent.parent
KILN = ROOT / "build" / "cuda" / "bench" / "kiln_bench_cuda"
TORCH_SCRIPT = ROOT / "bench" / "pytorch" / "cuda_workloads.py"


def run_kiln(repetitions, min_time, name_filter):
    command = [str(KILN), "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
               f"--benchmark_min_time={min_time}", f"--benchmark_filter={name_filter}"]
    report = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    samples = {}
    for run in report["benchmarks"]:
        if run.get("run_type") != "iteration":
            continue
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[run["time_unit"]]
        samples.setdefault(run["run_name"], []).append(run["real_time"] * scale)
    return samples


def run_torch(repetitions, min_time, name_filter):
    command = [str(PYTHON), str(TORCH_SCRIPT), "--repetitions", str(repetitions), "--min-time",
               str(min_time), "--filter", name_filter]
    output = subprocess.run(command, check=True, capture_output=True, text=True,
                            cwd=TORCH_SCRIPT.parent).stdout
    return {row["name"]: row["samples_ms"] for row in map(json.loads, output.splitlines())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5, help="timed samples per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--filter", default="", help="text the workload names contain")
    args = parser.parse_args()
    for path, hint in ((KILN, "cmake --build --preset cuda"), (PYTHON, "bench/pytorch/setup.sh")):
        if not path.exists():
            sys.exit(f"compare_cuda.py: {path} is missing; run {hint} first")
    kiln_samples, torch_samples = {}, {}
    for _ in range(args.rounds):
        for samples, run in ((kiln_samples, run_kiln), (torch_samples, run_torch)):
            for name, times in run(args.repetitions, args.min_time, args.filter).items():
                samples.setdefault(name, []).extend(times)
    print(f"{'workload':<32}{'kiln ms (min-max)':>26}{'PyTorch ms (min-max)':>26}"
          f"{'kiln/PyTorch':>14}")
    for name in sorted(kiln_samples):
        if name not in torch_samples:
            continue
        k, t = summarize(kiln_samples[name]), summarize(torch_samples[name])
        print(f"{name:<32}{k[0]:>10.3f} ({k[1]:.3f}-{k[2]:.3f})"
              f"{t[0]:>10.3f} ({t[1]:.3f}-{t[2]:.3f}){k[0] / t[0]:>14.2f}", flush=True)


if __name__ == "__main__":
    main()
