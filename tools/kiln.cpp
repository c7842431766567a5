// kiln: train, evaluate and sample the reference models on synthetic tasks, the TSP and time
// series, run the forecasting benchmark, check the op registry, write the PyTorch coverage
// table, run the classic TSP baselines, and report the build. Errors are one line on stderr and a
// non-zero status.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "tools/commands.h"

int main(int argc, char** argv) {
  using namespace kiln::tools;
  CLI::App app{
      "kiln: a from-scratch deep learning engine. Train, evaluate and sample small "
      "models, verify the ops and time them."};
  app.require_subcommand(1);
  TrainOptions train;
  EvalOptions eval;
  SampleOptions sample;
  VerifyOptions verify;
  BenchOptions bench;
  CoverageOptions coverage;
  BaselinesOptions baselines;
  TspTrainOptions train_tsp;
  TspEvalOptions eval_tsp;
  ForecastTrainOptions train_forecast;
  ForecastEvalOptions eval_forecast;
  ForecastBenchmarkOptions forecast_benchmark;
  CLI::App* train_command = add_train_command(app, train);
  CLI::App* train_tsp_command = add_train_tsp_command(*train_command, train_tsp);
  CLI::App* train_forecast_command = add_train_forecast_command(*train_command, train_forecast);
  CLI::App* eval_command = add_eval_command(app, eval);
  CLI::App* eval_tsp_command = add_eval_tsp_command(*eval_command, eval_tsp);
  CLI::App* eval_forecast_command = add_eval_forecast_command(*eval_command, eval_forecast);
  CLI::App* sample_command = add_sample_command(app, sample);
  CLI::App* verify_command = add_verify_command(app, verify);
  CLI::App* bench_command = add_bench_command(app, bench);
  CLI::App* coverage_command = add_coverage_command(app, coverage);
  CLI::App* baselines_command = add_baselines_command(app, baselines);
  CLI::App* forecast_command = add_forecast_command(app, forecast_benchmark);
  CLI::App* info_command = add_info_command(app);
  try {
    app.parse(argc, argv);
    if (*train_command && !*train_tsp_command && !*train_forecast_command && train.task.empty())
      throw CLI::RequiredError("train: a task (or the tsp or forecast subcommand)");
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  try {
    if (*train_tsp_command) return run_train_tsp(train_tsp);
    if (*eval_tsp_command) return run_eval_tsp(eval_tsp);
    if (*train_forecast_command) return run_train_forecast(train_forecast);
    if (*eval_forecast_command) return run_eval_forecast(eval_forecast);
    if (*forecast_command) return run_forecast_benchmark(forecast_benchmark);
    if (*train_command) return run_train(train);
    if (*eval_command) return run_eval(eval);
    if (*sample_command) return run_sample(sample);
    if (*verify_command) return run_verify(verify);
    if (*bench_command) return run_bench(bench);
    if (*coverage_command) return run_coverage(coverage);
    if (*baselines_command) return run_baselines(baselines);
    if (*info_command) return run_info();
  } catch (const std::exception& error) {
    std::cerr << "kiln: error: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
