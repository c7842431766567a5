"""One training epoch of a forecaster's PyTorch twin on an ETTh CSV, timed like kiln's.

Run by bench/forecast_epochs.py, in the venv with OMP_NUM_THREADS set, with the model config
that kiln's run saved (the field names of kiln's Config structs, which the twins share):
    python forecast_epoch_twin.py --model patchtst --config '{"d_model": 16, ...}' \
        --batch-size 128 --lr 1e-4 --threads 1 [--max-steps N]
The training windows are forecast_data_reference.py's (month borders, the scaler fitted on the
training rows, calendar features), in a seeded shuffled order. The clock runs over the training
loop only, as kiln's epoch timer does: per step the batch gathered from the windows, forward
(train mode, dropout as configured), MSE, backward and Adam's step. Prints one JSON object:
batch_size, steps, seconds and the mean training loss.
"""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn.functional as F

import lstm_forecaster_twin
import timemixer_twin
from dlinear_twin import Model as DLinear
from forecast_data_reference import (DEFAULT_CSV, ett_hour_borders, read_table, standard_scaler,
                                     time_features_hourly)
from itransformer_twin import ITransformer, ITransformerConfig
from patchtst_twin import Model as PatchTST
from smamba_twin import SMamba, SMambaConfig

# The models whose forward reads the calendar features; the others take x alone.
MARK_USERS = {"itransformer", "smamba", "timemixer"}


def build_model(name, config, lookback, horizon, channels, mark_features):
    """kiln's forecaster `name` as its twin, from kiln's Config fields."""
    if name == "patchtst":
        return PatchTST({**config, "seq_len": lookback, "pred_len": horizon, "enc_in": channels})
    if name == "itransformer":
        return ITransformer(ITransformerConfig(seq_len=lookback, pred_len=horizon, **config))
    if name == "smamba":
        return SMamba(SMambaConfig(seq_len=lookback, pred_len=horizon, **config))
    if name == "dlinear":
        return DLinear(lookback, horizon, channels, **config)
    if name == "timemixer":
        return timemixer_twin.Model(timemixer_twin.Configs(
            seq_len=lookback, pred_len=horizon, enc_in=channels, c_out=channels,
            mark_features=mark_features, **config))
    if name == "lstm":
        return lstm_forecaster_twin.Model(lstm_forecaster_twin.Configs(
            seq_len=lookback, pred_len=horizon, enc_in=channels, **config))
    raise ValueError(f"no twin for model '{name}'")


def training_windows(path, lookback, horizon):
    """Every training window's rows [lookback + horizon, C] and the look-back's calendar
    features [lookback, F], float32."""
    _, dates, values = read_table(path)
    begins, ends = ett_hour_borders(lookback)
    mean, scale = standard_scaler(values[begins[0]:ends[0]])
    rows = torch.from_numpy(((values - mean) / scale)[begins[0]:ends[0]].astype(np.float32))
    marks = torch.from_numpy(time_features_hourly(dates)[begins[0]:ends[0]].astype(np.float32))
    # unfold gives [windows, C, length]; the model reads [windows, length, C].
    series = rows.unfold(0, lookback + horizon, 1).transpose(1, 2).contiguous()
    x_marks = marks[:len(marks) - horizon].unfold(0, lookback, 1).transpose(1, 2).contiguous()
    return series, x_marks


def train(model, uses_marks, series, x_marks, lookback, batch_size, steps, lr, seed):
    """`steps` Adam steps on shuffled batches; returns the seconds and the mean loss."""
    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(series)))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    total_loss = 0.0
    start = time.perf_counter()
    for step in range(steps):
        batch = order[step * batch_size:(step + 1) * batch_size]
        windows = series[batch]
        x, y = windows[:, :lookback], windows[:, lookback:]
        forecast = model(x, x_marks[batch]) if uses_marks else model(x)
        loss = F.mse_loss(forecast, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return time.perf_counter() - start, total_loss / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--config", required=True, help="kiln's model config, JSON")
    parser.add_argument("--data", default=str(DEFAULT_CSV))
    parser.add_argument("--lookback", type=int, default=96)
    parser.add_argument("--horizon", type=int, default=96)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--max-steps", type=int, help="stop the epoch after this many steps")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    series, x_marks = training_windows(args.data, args.lookback, args.horizon)
    model = build_model(args.model, json.loads(args.config), args.lookback, args.horizon,
                        series.shape[2], x_marks.shape[2])
    steps = len(series) // args.batch_size  # drop_last, as kiln and the reference loader
    if args.max_steps is not None:
        steps = min(steps, args.max_steps)
    seconds, loss = train(model, args.model in MARK_USERS, series, x_marks, args.lookback,
                          args.batch_size, steps, args.lr, args.seed)
    print(json.dumps({"batch_size": args.batch_size, "steps": steps, "seconds": seconds,
                      "loss": loss}))


if __name__ == "__main__":
    main()
