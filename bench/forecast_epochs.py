#!/usr/bin/env python3
"""Times one training epoch of each forecaster on ETTh1 (L = 96, H = 96) in kiln and in its
PyTorch twin; prints time ratios.

    bench/pytorch/setup.sh                      # once: PyTorch in bench/pytorch/.venv
    cmake --build --preset release              # builds build/release/tools/kiln
    bench/forecast_epochs.py [--models patchtst dlinear] [--threads 1 2] [--repetitions 1]
                             [--json FILE] [--max-steps N]

For each thread count and model, kiln trains one epoch in the paper's settings for the model
(`kiln train forecast --epochs 1`: its batch size, learning rate and dropout, in train mode),
then the model's twin in bench/pytorch/ (forecast_epoch_twin.py) trains as many steps, built
from the config kiln's checkpoint saved, with Adam at the same rate and batch size on the same
training windows (shuffled, with calendar features for the models that read them). Both clocks
cover the training steps only (batch, forward, MSE, backward, Adam's step): kiln's is the
epoch row of its metrics.csv (windows per second), which leaves out the validation and test
scoring that follow the epoch. kiln's schedule may move the rate within the epoch (TimeMixer's
OneCycle warms up from 1/25 of it) where the twin keeps it constant: the same cost, another
loss. PyTorch runs at its best setting on these machines, as in compare.py.

The table gives seconds per epoch (the median over repetitions), kiln/PyTorch (below 1 means
kiln is faster) and each side's mean training loss over the epoch: close, but not equal, as
the initial weights, the order of the windows and TimeMixer's rates differ. --max-steps N
stops both sides after N steps, a quick check that everything runs; kiln's time is then the
training clock that its checkpoint saved at --stop-at-step.
"""
import argparse
import csv
import json
import statistics
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from compare import PYTHON, ROOT, torch_environment

KILN = ROOT / "build" / "release" / "tools" / "kiln"
TWIN_SCRIPT = ROOT / "bench" / "pytorch" / "forecast_epoch_twin.py"
ETTH1 = ROOT.parent / "shared" / "data" / "ett" / "ETTh1.csv"
MODELS = ["patchtst", "itransformer", "dlinear", "timemixer", "smamba", "lstm"]
LOOKBACK = HORIZON = 96


def checkpoint_extra(path):
    """The training state kiln keeps in its checkpoint's safetensors metadata."""
    with open(path, "rb") as file:
        header_size, = struct.unpack("<Q", file.read(8))
        return json.loads(json.loads(file.read(header_size))["__metadata__"]["extra"])


def run_kiln(binary, model, data, threads, max_steps):
    """One epoch (or max_steps) of kiln; the run's full model config and training settings,
    and its steps, training seconds and mean loss."""
    with tempfile.TemporaryDirectory(prefix="forecast-epoch-") as directory:
        out = Path(directory) / "run"
        command = [str(binary), "train", "forecast", "--model", model, "--data", str(data),
                   "--lookback", str(LOOKBACK), "--horizon", str(HORIZON), "--epochs", "1",
                   "--threads", str(threads), "--out", str(out)]
        if max_steps is not None:
            command += ["--stop-at-step", str(max_steps)]
        subprocess.run(command, check=True, capture_output=True, text=True)
        # The checkpoint, unlike results.json, is there after --stop-at-step too, and holds the
        # whole model config where the settings hold only the paper recipe's overrides.
        extra = checkpoint_extra(out / "checkpoint.safetensors")
        training = extra["forecast_settings"]["training"]
        run = {"config": extra["config"], "batch_size": training["batch_size"],
               "learning_rate": training["learning_rate"]}
        metrics = out / "metrics.csv"
        if metrics.exists():  # the epoch finished
            with open(metrics, newline="") as file:
                row = next(csv.DictReader(file))
            run["steps"] = int(row["step"])
            run["seconds"] = (run["steps"] * run["batch_size"]
                              / float(row["windows_per_second"]))
            run["loss"] = float(row["loss"])
        else:  # stopped within it; the checkpoint holds the epoch's summed loss
            run["steps"] = extra["epoch_steps"]
            run["seconds"] = extra["elapsed"]
            run["loss"] = extra["epoch_loss"] / extra["epoch_steps"]
    return run


def run_twin(model, kiln_run, data, threads, max_steps):
    command = [str(PYTHON), str(TWIN_SCRIPT), "--model", model,
               "--config", json.dumps(kiln_run["config"]), "--data", str(data),
               "--lookback", str(LOOKBACK), "--horizon", str(HORIZON),
               "--batch-size", str(kiln_run["batch_size"]),
               "--lr", repr(kiln_run["learning_rate"]), "--threads", str(threads)]
    if max_steps is not None:
        command += ["--max-steps", str(max_steps)]
    output = subprocess.run(command, check=True, capture_output=True, text=True,
                            env=torch_environment(threads)).stdout
    return json.loads(output)


def measure(args, model, threads):
    """Alternates kiln and the twin over the repetitions, so that a slow spell of the machine
    falls on both; returns the table's row."""
    kiln_runs, twin_runs = [], []
    for _ in range(args.repetitions):
        kiln_runs.append(run_kiln(args.kiln, model, args.data, threads, args.max_steps))
        twin_runs.append(run_twin(model, kiln_runs[-1], args.data, threads, args.max_steps))
        if twin_runs[-1]["steps"] != kiln_runs[-1]["steps"]:
            sys.exit(f"forecast_epochs.py: {model}: kiln ran {kiln_runs[-1]['steps']} steps, "
                     f"the twin {twin_runs[-1]['steps']}; the training windows differ")
    kiln_seconds = statistics.median(run["seconds"] for run in kiln_runs)
    torch_seconds = statistics.median(run["seconds"] for run in twin_runs)
    return {"model": model, "threads": threads, "batch_size": kiln_runs[0]["batch_size"],
            "steps": kiln_runs[0]["steps"], "kiln_seconds": kiln_seconds,
            "torch_seconds": torch_seconds, "ratio": kiln_seconds / torch_seconds,
            "kiln_loss": statistics.median(run["loss"] for run in kiln_runs),
            "torch_loss": statistics.median(run["loss"] for run in twin_runs),
            "kiln_samples": [run["seconds"] for run in kiln_runs],
            "torch_samples": [run["seconds"] for run in twin_runs]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=MODELS)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repetitions", type=int, default=1,
                        help="epochs per side; the table gives the median")
    parser.add_argument("--data", type=Path, default=ETTH1, help="the ETTh1 CSV")
    parser.add_argument("--json", type=Path, help="also write the rows, with every sample, here")
    parser.add_argument("--max-steps", type=int,
                        help="stop both sides after this many steps (a quick check)")
    parser.add_argument("--kiln", type=Path, default=KILN,
                        help="the kiln binary (another build's, to compare builds)")
    args = parser.parse_args()
    for path, hint in ((args.kiln, "run cmake --build --preset release first"),
                       (PYTHON, "run bench/pytorch/setup.sh first"),
                       (args.data, "give the ETTh1 CSV with --data")):
        if not path.exists():
            sys.exit(f"forecast_epochs.py: {path} is missing; {hint}")
    print(f"{'model':<14}{'threads':>8}{'batch':>7}{'steps':>7}{'kiln s':>10}{'PyTorch s':>11}"
          f"{'kiln/PyTorch':>14}{'loss kiln, PyTorch':>22}")
    rows = []
    for threads in args.threads:
        for model in args.models:
            row = measure(args, model, threads)
            rows.append(row)
            print(f"{model:<14}{threads:>8}{row['batch_size']:>7}{row['steps']:>7}"
                  f"{row['kiln_seconds']:>10.2f}{row['torch_seconds']:>11.2f}{row['ratio']:>14.2f}"
                  f"{row['kiln_loss']:>14.4f}, {row['torch_loss']:.4f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
