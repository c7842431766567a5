#include "tools/command_line.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "tensor/error.h"
#include "tools/commands.h"
#include "tools/run_record.h"

namespace kiln::tools {

// Each subcommand's options and the CLI11 handles that say which one was given.
struct KilnCommandLine::Commands {
  CLI::App app{
      "kiln: a from-scratch deep learning engine. Train, evaluate and sample small "
      "models, verify the ops and time them, report and sweep."};
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
  ReportOptions report;
  SweepOptions sweep;
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
  CLI::App* report_command = add_report_command(app, report);
  CLI::App* sweep_command = add_sweep_command(app, sweep);
  CLI::App* info_command = add_info_command(app);

  Commands() { app.require_subcommand(1); }
};

KilnCommandLine::KilnCommandLine() : commands_(std::make_unique<Commands>()) {}

KilnCommandLine::~KilnCommandLine() = default;

void KilnCommandLine::parse(int argc, const char* const* argv) {
  Commands& c = *commands_;
  c.app.parse(argc, argv);
  if (*c.train_command && !*c.train_tsp_command && !*c.train_forecast_command &&
      c.train.task.empty())
    throw CLI::RequiredError("train: a task (or the tsp or forecast subcommand)");
}

int KilnCommandLine::run() {
  Commands& c = *commands_;
  if (*c.train_tsp_command) return run_train_tsp(c.train_tsp);
  if (*c.eval_tsp_command) return run_eval_tsp(c.eval_tsp);
  if (*c.train_forecast_command) return run_train_forecast(c.train_forecast);
  if (*c.eval_forecast_command) return run_eval_forecast(c.eval_forecast);
  if (*c.forecast_command) return run_forecast_benchmark(c.forecast_benchmark);
  if (*c.train_command) return run_train(c.train);
  if (*c.eval_command) return run_eval(c.eval);
  if (*c.sample_command) return run_sample(c.sample);
  if (*c.verify_command) return run_verify(c.verify);
  if (*c.bench_command) return run_bench(c.bench);
  if (*c.coverage_command) return run_coverage(c.coverage);
  if (*c.baselines_command) return run_baselines(c.baselines);
  if (*c.report_command) return run_report(c.report);
  if (*c.sweep_command) return run_sweep(c.sweep);
  if (*c.info_command) return run_info();
  return 0;
}

int KilnCommandLine::main(int argc, const char* const* argv) {
  record_invocation(argc, argv);
  try {
    parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return commands_->app.exit(error);
  }
  try {
    return run();
  } catch (const std::exception& error) {
    std::cerr << "kiln: error: " << error.what() << "\n";
    return 1;
  }
}

void check_kiln_arguments(const std::vector<std::string>& arguments) {
  std::vector<const char*> argv = {"kiln"};
  for (const std::string& argument : arguments) argv.push_back(argument.c_str());
  try {
    KilnCommandLine().parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    throw Error("a trial's arguments ask for --help");
  } catch (const CLI::ParseError& error) {
    throw Error(error.what());
  }
}

}  // namespace kiln::tools
