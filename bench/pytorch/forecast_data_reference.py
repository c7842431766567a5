"""The forecasting data protocol recomputed with NumPy alone, to check kiln's loader.

Reimplements the arithmetic of Time-Series-Library's Dataset_ETT_hour
(data_provider/data_loader.py: the month borders, sklearn's StandardScaler fitted on the
training rows, windows len - L - H + 1) and of utils/timefeatures.py (time_features with
freq 'h', timeenc=1), without pandas or sklearn, on ../shared/data/ett/ETTh1.csv. It prints
the figures tests/models/test_forecast_data.cpp checks and asserts that they still hold.

    bench/pytorch/.venv/bin/python bench/pytorch/forecast_data_reference.py [ETTh1.csv]
"""

import csv
import datetime
import pathlib
import sys

import numpy as np

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_CSV = REPOSITORY / ".." / "shared" / "data" / "ett" / "ETTh1.csv"
LOOKBACK, HORIZON = 96, 96


def read_table(path):
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    header, body = rows[0], rows[1:]
    dates = np.array([row[0].replace(" ", "T") for row in body], dtype="datetime64[s]")
    values = np.array([[float(cell) for cell in row[1:]] for row in body], dtype=np.float64)
    return header[1:], dates, values


def ett_hour_borders(lookback):
    """Dataset_ETT_hour's border1s and border2s (train, val, test)."""
    month = 30 * 24
    return [0, 12 * month - lookback, 16 * month - lookback], [12 * month, 16 * month, 20 * month]


def standard_scaler(train):
    """sklearn's StandardScaler.fit from a fresh scaler (_incremental_mean_and_var)."""
    n = train.shape[0]
    mean = train.sum(axis=0) / n
    centred = train - mean
    correction = centred.sum(axis=0)
    variance = ((centred**2).sum(axis=0) - correction**2 / n) / n
    scale = np.sqrt(variance)
    scale[scale == 0] = 1.0
    return mean, scale


def time_features_hourly(dates):
    """HourOfDay, DayOfWeek, DayOfMonth, DayOfYear of gluonts's time_features, [rows, 4]."""
    days = dates.astype("datetime64[D]")
    hour = (dates - days).astype("timedelta64[h]").astype(np.int64)
    day_of_week = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    day_of_month = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    day_of_year = (days - days.astype("datetime64[Y]")).astype(np.int64) + 1
    return np.stack(
        [hour / 23.0 - 0.5, day_of_week / 6.0 - 0.5, (day_of_month - 1) / 30.0 - 0.5,
         (day_of_year - 1) / 365.0 - 0.5], axis=1)


def time_features_by_datetime(date):
    """The same features from Python's datetime, as an independent check of the above."""
    moment = datetime.datetime.fromisoformat(str(date))
    day_of_year = moment.timetuple().tm_yday
    return [moment.hour / 23.0 - 0.5, moment.weekday() / 6.0 - 0.5,
            (moment.day - 1) / 30.0 - 0.5, (day_of_year - 1) / 365.0 - 0.5]


def window(data, marks, begin, index):
    """Window `index` of the split starting at row `begin`: x, y and their marks as float32."""
    x = slice(begin + index, begin + index + LOOKBACK)
    y = slice(begin + index + LOOKBACK, begin + index + LOOKBACK + HORIZON)
    return [part.astype(np.float32) for part in (data[x], data[y], marks[x], marks[y])]


def show(name, values):
    print(f"{name} = {{{', '.join(repr(float(v)) for v in values)}}}")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CSV
    columns, dates, values = read_table(path)
    begins, ends = ett_hour_borders(LOOKBACK)
    mean, scale = standard_scaler(values[begins[0]:ends[0]])
    data = (values - mean) / scale
    marks = time_features_hourly(dates)
    windows = [end - begin - LOOKBACK - HORIZON + 1 for begin, end in zip(begins, ends)]

    print(f"rows {len(dates)}, channels {len(columns)}: {columns}")
    print(f"windows at L = {LOOKBACK}, H = {HORIZON}: "
          f"train {windows[0]}, val {windows[1]}, test {windows[2]}")
    show("scaler mean", mean)
    show("scaler std", scale)
    x, y, x_mark, y_mark = window(data, marks, begins[0], 0)
    show("train window 0 x[0]", x[0])
    show("train window 0 x[L-1]", x[-1])
    show("train window 0 y[0]", y[0])
    show("train window 0 y[H-1]", y[-1])
    show("train window 0 x_mark[0]", x_mark[0])
    show("train window 0 y_mark[H-1]", y_mark[-1])
    x, y, x_mark, y_mark = window(data, marks, begins[2], windows[2] - 1)
    show("last test window x[0]", x[0])
    show("last test window y[H-1]", y[-1])
    show("last test window x_mark[0]", x_mark[0])
    show("last test window y_mark[H-1]", y_mark[-1])

    # The figures the reference loader printed (issue 19), and those the test states.
    assert (len(dates), len(columns), columns[-1]) == (17420, 7, "OT")
    assert windows == [8449, 2785, 2785], windows
    assert (round(mean[-1], 4), round(scale[-1], 4)) == (17.1283, 9.1765), (mean[-1], scale[-1])
    last_test_start = begins[2] + windows[2] - 1
    assert str(dates[last_test_start]) == "2018-02-13T00:00:00", dates[last_test_start]
    for row in [*range(0, 48), *range(last_test_start, last_test_start + LOOKBACK + HORIZON)]:
        assert list(marks[row]) == time_features_by_datetime(dates[row]), row


if __name__ == "__main__":
    main()
