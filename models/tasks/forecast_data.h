#pragma once

// Long-term forecasting data and its benchmark protocol, exactly as Time-Series-Library
// (thuml, data_provider/data_loader.py: Dataset_ETT_hour, Dataset_ETT_minute,
// Dataset_Custom) implements it, so kiln's figures compare with the papers':
//  - splits: ETTh* by fixed months (train rows [0, 12*30*24), validation
//    [12*30*24 - L, 16*30*24), test [16*30*24 - L, 20*30*24)); ETTm* the same times 4; any
//    other file 70 / 10 / 20 per cent, validation and test starting L rows early;
//  - a StandardScaler (mean and population std, float64) fitted on the training rows of
//    every channel, applied to all;
//  - window i: x = rows [i, i + L), y = rows [i + L, i + L + H) of its split;
//  - features M (all channels in, all out), S (the target only), MS (all in, target out:
//    the model predicts all, the loss and metrics take the last channel); for files other
//    than ETT the target column is moved last, as Dataset_Custom does;
//  - calendar features (timeenc=1, gluonts's time_features; models/tasks/calendar_features.h):
//    for hourly data hour of day, day of week, day of month, day of year, each scaled to
//    [-0.5, 0.5]; minute data adds minute of hour first. The frequency is an option whose
//    default is the reference's --freq h, which its scripts use for ETTm too.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/tasks/calendar_features.h"
#include "tensor/creation.h"

namespace kiln::models {

// A CSV file as read: its first column timestamps, the rest numeric channels.
struct TimeSeriesTable {
  std::string source;                                // the path, or a generated series' name
  std::vector<std::string> columns;                  // channel names, the date column excluded
  std::vector<std::chrono::sys_seconds> timestamps;  // one per row
  std::vector<double> values;                        // rows x channels, row-major

  int64_t rows() const { return static_cast<int64_t>(timestamps.size()); }
  int64_t channels() const { return static_cast<int64_t>(columns.size()); }
};

// Reads "date,c1,c2,..." with timestamps "YYYY-MM-DD HH:MM:SS" (also "YYYY-MM-DD HH:MM",
// "YYYY-MM-DD", "YYYY/MM/DD HH:MM"; models/tasks/timestamps.h), the CSV dialect of
// models/tasks/csv_table.h. The first column holds the timestamps whatever its name. A
// malformed file (a ragged row, a non-number, an empty cell, NaN or an infinity, a bad
// timestamp or a day that does not exist, no rows, an empty or repeated column name) throws
// kiln::Error naming the file, the row (1-based, as an editor shows it) and the column (its
// number and name); so does a file that cannot be read.
TimeSeriesTable read_time_series_csv(const std::string& path);
// The same from text in memory; `source` names it in messages (the fuzzer's entry point).
TimeSeriesTable parse_time_series_csv(std::string_view text, const std::string& source);

// The default data of a first run, needing no download: `channels` series of hourly steps
// from 2016-07-01 00:00, each a trend plus daily and weekly seasons of its own phase and
// amplitude plus Gaussian noise, from `seed` (kiln's Philox generator, so the same on every
// run; the distributions are in the .cpp). The last column is named "OT", the source
// "generated(seed=S)".
TimeSeriesTable generated_time_series(int64_t rows = 17420, int64_t channels = 7,
                                      uint64_t seed = 2021);

enum class FeatureMode { M, S, MS };
FeatureMode parse_feature_mode(const std::string& text);  // "M", "S", "MS"
const char* feature_mode_name(FeatureMode mode);

enum class SplitRule { EttHour, EttMinute, Ratio };  // see the top of this file
// EttHour for a file named ETTh*.csv, EttMinute for ETTm*.csv, else Ratio.
SplitRule split_rule_for(const std::string& source);

struct ForecastDataOptions {
  int64_t lookback = 96;  // L, seq_len
  int64_t horizon = 96;   // H, pred_len
  FeatureMode features = FeatureMode::M;
  std::string target = "OT";
  SplitRule split = SplitRule::Ratio;
  CalendarFrequency calendar = CalendarFrequency::Hourly;  // the reference's --freq
};

// The windows of one split, on the standardised scale.
struct ForecastBatch {
  Tensor x;       // [B, L, C] float32
  Tensor y;       // [B, H, C] float32 (all channels of the model's output; MS slices later)
  Tensor x_mark;  // [B, L, F] float32 calendar features
  Tensor y_mark;  // [B, H, F]
};

class ForecastSplit {
 public:
  ForecastSplit(std::vector<double> rows, std::vector<double> marks, int64_t channels,
                int64_t mark_features, const ForecastDataOptions& options);
  int64_t windows() const;  // rows - L - H + 1
  int64_t channels() const { return channels_; }
  int64_t mark_features() const { return mark_features_; }
  // The windows at `indices` (each in [0, windows())), stacked in that order.
  ForecastBatch batch(const std::vector<int64_t>& indices) const;

 private:
  std::vector<double> rows_;   // standardised values, row-major [rows, channels]
  std::vector<double> marks_;  // [rows, mark_features]
  int64_t channels_, mark_features_;
  ForecastDataOptions options_;
};

struct ForecastDataset {
  ForecastDataOptions options;
  std::vector<std::string> channels;  // the model's channels, in order (the target last for MS/S)
  std::vector<double> mean, std;      // the scaler, per channel
  ForecastSplit train, validation, test;
  // False for M (every channel counts); for MS and S the loss and metrics take only the
  // last output channel, as f_dim = -1 does.
  bool target_only() const { return options.features != FeatureMode::M; }
};

// Splits, scales and windows `table`. Throws kiln::Error naming the source when a split
// holds no window (too few rows for L + H) or the target column is absent (also for M, which
// does not use it: a misspelt target is caught before a long run). A table shorter than an
// ETT rule's borders gets shorter splits, as the reference's slicing does. With an ETT rule
// the columns keep the file's order (Dataset_ETT_hour), so MS needs the target last.
ForecastDataset make_forecast_dataset(const TimeSeriesTable& table,
                                      const ForecastDataOptions& options);

}  // namespace kiln::models
