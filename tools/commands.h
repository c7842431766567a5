#pragma once

// The subcommands of the `kiln` command line. Each add_* registers its options on the app
// and returns the subcommand; each run_* does the work and returns the exit status. Errors
// are kiln::Error, which main prints as one line.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiln::tools {

// The training recipe's hyperparameters besides the rate: AdamW's, the linear warmup from
// warmup_start_factor x lr to lr over warmup_steps (0: a tenth of the run, at most 200),
// then cosine decay to final_lr_ratio x lr. Saved with the run, so --resume keeps them.
struct TrainRecipe {
  double beta1 = 0.9;
  double beta2 = 0.98;
  double weight_decay = 0.01;
  int64_t warmup_steps = 0;
  double warmup_start_factor = 0.01;
  double final_lr_ratio = 0;
};

struct TrainOptions {
  std::string task;
  std::string model = "transformer";
  int64_t epochs = 8;
  int64_t steps_per_epoch = 200;
  int64_t batch_size = 64;
  double lr = 1e-3;
  uint64_t seed = 0;
  std::string device = "cpu";
  int threads = 0;
  std::string out;
  bool resume = false;
  int64_t min_length = 4, max_length = 10, base = 10;
  int64_t length = 256, data_tokens = 16;  // the recall tasks'
  int64_t d_model = 64, heads = 4, layers = 2;
  int64_t d_state = 16, d_conv = 4, expand = 2;  // mamba's
  double dropout = 0;
  int64_t eval_size = 1000;
  double target_accuracy = 0;
  double clip = 1.0;
  TrainRecipe recipe;
  int64_t stop_at_step = 0;   // save and stop there (0: run to the end)
  int64_t stop_at_epoch = 0;  // save and stop after this epoch (0: run to the end)
  bool epochs_given = false;  // set by the parser: --epochs extends a resumed run
  bool detect_anomaly = false;
};
CLI::App* add_train_command(CLI::App& app, TrainOptions& options);
int run_train(TrainOptions options);

// Where a trained model is: a run directory (its checkpoint.safetensors) or a file.
struct RunLocation {
  std::string out;
  std::string checkpoint;
  std::string device = "cpu";
  int threads = 0;
};

struct EvalOptions {
  RunLocation run;
  int64_t eval_size = 1000;
  int64_t beam = 1;
  uint64_t seed = 1;
  int64_t length = 0;  // a recall task's length to evaluate at (0: the trained one)
};
CLI::App* add_eval_command(CLI::App& app, EvalOptions& options);
int run_eval(const EvalOptions& options);

struct SampleOptions {
  RunLocation run;
  std::vector<std::string> inputs;
  int64_t count = 5;
  int64_t beam = 1;
  double temperature = 0;
  int64_t top_k = 0;
  uint64_t seed = 2;
};
CLI::App* add_sample_command(CLI::App& app, SampleOptions& options);
int run_sample(const SampleOptions& options);

struct VerifyOptions {
  std::vector<std::string> ops;
  std::string device = "cpu";
  bool verbose = false;
  bool list = false;
};
CLI::App* add_verify_command(CLI::App& app, VerifyOptions& options);
int run_verify(const VerifyOptions& options);

struct BenchOptions {
  std::vector<std::string> ops;
  bool all = false;
  std::string device = "cpu";
  std::string dtype = "float32";
  std::string size = "large";
  int threads = 0;
  int repetitions = 5;
  double min_time = 0.05;
};
CLI::App* add_bench_command(CLI::App& app, BenchOptions& options);
int run_bench(const BenchOptions& options);

struct CoverageOptions {
  std::string surface = "docs/pytorch-surface.json";
  std::string out = "docs/pytorch-coverage.md";
  bool check = false;
};
CLI::App* add_coverage_command(CLI::App& app, CoverageOptions& options);
int run_coverage(const CoverageOptions& options);

struct BaselinesOptions {
  std::string problem;
  int64_t nodes = 20;
  std::string set = "test";
  int64_t instances = 0;             // the first K of the set (0: all)
  std::vector<std::string> methods;  // empty: every baseline that fits
  int threads = 0;
};
CLI::App* add_baselines_command(CLI::App& app, BaselinesOptions& options);
int run_baselines(const BaselinesOptions& options);

// kiln train tsp: a routing model trained on random Euclidean TSP instances, by REINFORCE or
// (the pointer network of Vinyals et al.) supervised, after Kool et al. 2019's run.py (its
// defaults: batch 512, epochs of 1,280,000 instances, Adam at 1e-4, gradient norm clipped to
// 1, for the attention model the greedy-rollout baseline with an exponential warm-up in the
// first epoch, for Bello's pointer network its LSTM critic).
struct TspTrainOptions {
  std::string model = "am";
  int64_t nodes = 20;
  int64_t epochs = 100;
  int64_t epoch_size = 1280000;
  int64_t batch_size = 512;
  double lr = 1e-4;
  double lr_decay = 1.0;  // the rate is lr * lr_decay^epoch
  double lr_critic = 1e-4;
  double clip = 1.0;
  std::string baseline;  // empty: the model's own (am: rollout, bello: critic, pointer: none)
  double exp_beta = 0.8;
  double bl_alpha = 0.05;
  int64_t bl_warmup_epochs = 1;
  int64_t val_size = 10000;
  int64_t embedding_dim = 128, layers = 3, heads = 8, hidden_dim = 128;
  uint64_t seed = 1234;
  std::string device = "cpu";
  int threads = 0;
  std::string out;
  bool resume = false;
  int64_t stop_at_step = 0;   // save and stop there (0: run to the end)
  int64_t stop_at_epoch = 0;  // save and stop after this epoch (0: run to the end)
  bool epochs_given = false;  // set by the parser: --epochs extends a resumed run
  bool detect_anomaly = false;
  int64_t steps_per_epoch() const { return epoch_size / batch_size; }
};
// A subcommand of `train`.
CLI::App* add_train_tsp_command(CLI::App& train, TspTrainOptions& options);
int run_train_tsp(TspTrainOptions options);

// kiln eval tsp: a trained routing model's tours on Kool et al.'s test set.
struct TspEvalOptions {
  RunLocation run;
  std::string decode = "greedy";
  int64_t instances = 10000;
  uint64_t seed = 1;
  std::string svg;  // draw the first svg_instances tours here
  int64_t svg_instances = 4;
};
// A subcommand of `eval`.
CLI::App* add_eval_tsp_command(CLI::App& eval, TspEvalOptions& options);
int run_eval_tsp(const TspEvalOptions& options);

// kiln train forecast: a long-term forecaster (models/forecast/forecasters.h) trained on a
// CSV time series (or the generated one) with Time-Series-Library's protocol: Adam on the
// MSE, the paper's schedule, early stopping on the validation MSE, and the best epoch's
// weights tested. Options left out take the paper's settings for the model, dataset and
// horizon (models/forecast: each model's paper_recipe).
struct ForecastTrainOptions {
  std::string model = "patchtst";
  std::string data = "generated";  // a CSV file, or "generated"
  std::optional<int64_t> lookback{};
  int64_t horizon = 96;
  std::string features = "M";
  std::string target = "OT";
  std::optional<int64_t> epochs{}, batch_size{}, patience{};
  std::optional<double> lr{}, pct_start{};
  std::optional<std::string> lradj{};
  std::optional<bool> test_drop_last{};
  std::vector<std::string> model_settings{};  // KEY=VALUE overrides of the model's Config
  uint64_t seed = 2021;                       // Time-Series-Library's fix_seed
  std::string device = "cpu";
  int threads = 0;
  std::string out;
  bool resume = false;
  int64_t stop_at_step = 0;   // save and stop there (0: run to the end)
  int64_t stop_at_epoch = 0;  // save and stop after this epoch (0: run to the end)
  bool quiet = false;         // no progress lines (the benchmark prints its own)
  bool detect_anomaly = false;
};
CLI::App* add_train_forecast_command(CLI::App& train, ForecastTrainOptions& options);
int run_train_forecast(ForecastTrainOptions options);

// kiln eval forecast: a trained forecaster's test MSE and MAE (both drop_last modes), its
// predictions written as .npy.
struct ForecastEvalOptions {
  RunLocation run;
};
CLI::App* add_eval_forecast_command(CLI::App& eval, ForecastEvalOptions& options);
int run_eval_forecast(const ForecastEvalOptions& options);

// kiln forecast benchmark: the matrix of models x datasets x horizons in the papers'
// settings, resumable, with a results table beside the published figures.
struct ForecastBenchmarkOptions {
  std::vector<std::string> models = {"dlinear"};
  std::vector<std::string> data = {"generated"};
  std::vector<int64_t> horizons = {96, 192, 336, 720};
  std::optional<int64_t> epochs{};  // overrides every recipe's (for a quick look)
  uint64_t seed = 2021;
  std::string device = "cpu";
  int threads = 0;
  std::string out = "runs/forecast-benchmark";
};
CLI::App* add_forecast_command(CLI::App& app, ForecastBenchmarkOptions& options);
int run_forecast_benchmark(const ForecastBenchmarkOptions& options);

CLI::App* add_info_command(CLI::App& app);
int run_info();
// What kiln info prints, as JSON: version, build, BLAS, threads, CUDA devices.
nlohmann::json machine_json();

// kiln report: one self-contained HTML page (inline SVG and CSS, nothing fetched) drawn from
// run directories: each run's command, configuration, machine, metrics and charts; overlaid
// curves and a comparison table for several runs; the forecasting benchmark's matrix beside the
// published figures.
struct ReportOptions {
  std::vector<std::string> runs;  // run directories, sweep directories or benchmark directories
  std::string out = "report.html";
  std::string title = "kiln report";
};
CLI::App* add_report_command(CLI::App& app, ReportOptions& options);
int run_report(const ReportOptions& options);

// kiln sweep: a hyperparameter search over `kiln train` options (random or grid, with
// successive halving / ASHA), trials run as kiln processes in parallel, the state in a journal
// so an interrupted sweep resumes, and a report at the end.
struct SweepOptions {
  std::string spec;  // SPEC.json
  std::string out;   // the sweep directory (default: runs/sweep-<spec name>)
  int parallel = 0;  // trials at once (0: cores / each trial's threads)
  bool resume = false;
  bool dry_run = false;  // check the spec and list its trials, run and write nothing
};
CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options);
int run_sweep(const SweepOptions& options);

}  // namespace kiln::tools
