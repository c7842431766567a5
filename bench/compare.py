#!/usr/bin/env python3
"""Runs kiln's reference workloads and PyTorch's in one session; prints time ratios.

    bench/pytorch/setup.sh                      # once: PyTorch in bench/pytorch/.venv
    cmake --build --preset release              # builds build/release/bench/kiln_bench_workloads
    bench/compare.py [--rounds 3] [--repetitions 5] [--threads 1 2] [--filter W7]

For each workload and thread count: kiln's and PyTorch's median time per call (with
min-max over all samples of all rounds) and kiln/PyTorch (below 1 means kiln is faster); a
workload PyTorch runs several ways (W4: the reference loop and a parallel scan) gets a row
per way. The training steps add kiln's GFLOP/s by the registry's cost model and that rate
as a fraction of the FMA peak kiln measured at the same thread count. PyTorch
runs at its best setting on these machines (WORKLOADS.md): glibc malloc kept from
returning memory, and OMP_WAIT_POLICY=passive at 2 threads.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILN = ROOT / "build" / "release" / "bench" / "kiln_bench_workloads"
PYTHON = ROOT / "bench" / "pytorch" / ".venv" / "bin" / "python"
TORCH_SCRIPT = ROOT / "bench" / "pytorch" / "workloads.py"
# Ops per call of the autograd-overhead workloads, as written (for the per-op column).
OPS_PER_CALL = {"AG_chain_1000": 1000, "AG_mlp_step": 7}


def run_kiln(binary, threads, repetitions, min_time, name_filter):
    command = [str(binary), "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
               f"--benchmark_min_time={min_time}",
               f"--benchmark_filter={name_filter}.*/threads:{threads}/"]
    report = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    samples, rates = {}, {}
    for run in report["benchmarks"]:
        if run.get("run_type") != "iteration":
            continue
        name = run["run_name"].split("/")[0]
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[run["time_unit"]]
        samples.setdefault(name, []).append(run["real_time"] * scale)
        if "GFLOP/s" in run and "of_peak" in run:
            rates.setdefault(name, []).append((run["GFLOP/s"], run["of_peak"]))
    return samples, rates


def torch_environment(threads):
    """PyTorch's best setting on these machines (WORKLOADS.md): glibc malloc kept from
    returning memory, and OMP_WAIT_POLICY=passive above one thread."""
    big = str(1 << 40)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               MALLOC_MMAP_THRESHOLD_=big, MALLOC_TRIM_THRESHOLD_=big)
    if threads > 1:
        env["OMP_WAIT_POLICY"] = "passive"
    return env


def run_torch(threads, repetitions, min_time, name_filter):
    command = [str(PYTHON), str(TORCH_SCRIPT), "--threads", str(threads), "--repetitions",
               str(repetitions), "--min-time", str(min_time), "--filter", name_filter]
    output = subprocess.run(command, check=True, capture_output=True, text=True,
                            env=torch_environment(threads)).stdout
    return {row["name"]: row["samples_ms"] for row in map(json.loads, output.splitlines())}


def summarize(times):
    times = sorted(times)
    return times[len(times) // 2], times[0], times[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5, help="timed samples per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--filter", default="", help="workload name prefix, e.g. W7")
    parser.add_argument("--kiln", type=Path, default=KILN,
                        help="the kiln_bench_workloads binary (another build's, to compare builds)")
    args = parser.parse_args()
    for path, hint in ((args.kiln, "cmake --build --preset release"),
                       (PYTHON, "bench/pytorch/setup.sh")):
        if not path.exists():
            sys.exit(f"compare.py: {path} is missing; run {hint} first")
    print(f"{'workload':<34}{'threads':>8}{'kiln ms (min-max)':>26}{'PyTorch ms (min-max)':>26}"
          f"{'kiln/PyTorch':>14}{'kiln GFLOP/s, of peak':>24}{'ns/op kiln, PyTorch':>22}")
    for threads in args.threads:
        # Alternate the two in rounds, so that a slow spell of this shared machine falls on
        # both rather than on one.
        kiln_samples, torch_samples, kiln_rates = {}, {}, {}
        for _ in range(args.rounds):
            times, rates = run_kiln(args.kiln, threads, args.repetitions, args.min_time,
                                    args.filter)
            for name, values in rates.items():
                kiln_rates.setdefault(name, []).extend(values)
            for samples, measured in ((kiln_samples, times),
                                      (torch_samples, run_torch(threads, args.repetitions,
                                                                args.min_time, args.filter))):
                for name, values in measured.items():
                    samples.setdefault(name, []).extend(values)
        kiln = {name: summarize(times) for name, times in kiln_samples.items()}
        torch = {name: summarize(times) for name, times in torch_samples.items()}
        # PyTorch may time several ways of one workload, as "NAME[way]"; each is paired
        # with kiln's NAME.
        for name in sorted(torch):
            base = name.split("[")[0]
            if base not in kiln:
                continue
            k, t = kiln[base], torch[name]
            rate = ""
            if base in kiln_rates:
                gflops, of_peak = summarize(kiln_rates[base])[0]
                rate = f"{gflops:>12.1f}, {of_peak:.0%}"
            per_op = ""
            if name in OPS_PER_CALL:
                ops = OPS_PER_CALL[name]
                per_op = f"{k[0] * 1e6 / ops:.0f}, {t[0] * 1e6 / ops:.0f}"
            print(f"{name:<34}{threads:>8}{k[0]:>10.3f} ({k[1]:.3f}-{k[2]:.3f})"
                  f"{t[0]:>10.3f} ({t[1]:.3f}-{t[2]:.3f}){k[0] / t[0]:>14.2f}{rate:>24}{per_op:>22}",
                  flush=True)


if __name__ == "__main__":
    main()
