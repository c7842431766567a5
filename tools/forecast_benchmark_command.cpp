// kiln forecast benchmark: every model on every dataset at every horizon, each cell trained in
// its paper's settings in OUT/DATASET/MODEL-H; finished cells are skipped and interrupted ones
// resumed, so the matrix can be run again until done. The table (results.csv, results.md)
// puts kiln's test MSE and MAE beside the published MSE.
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "models/forecast/forecasters.h"
#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tools/forecast_training_run.h"
#include "tools/run_directory.h"
#include "tools/validators.h"

namespace kiln::tools {

CLI::App* add_forecast_command(CLI::App& app, ForecastBenchmarkOptions& o) {
  CLI::App* forecast = app.add_subcommand("forecast", "Long-term forecasting benchmarks");
  forecast->require_subcommand(1);
  CLI::App* benchmark = forecast->add_subcommand(
      "benchmark",
      "Train and test each model on each dataset at each horizon in its paper's settings "
      "(resumable), and write the results table beside the published figures");
  benchmark->add_option("--models", o.models, "Forecasters, comma separated")
      ->delimiter(',')
      ->check(CLI::IsMember(models::forecaster_kinds()))
      ->capture_default_str();
  benchmark->add_option("--data", o.data, "CSV files or 'generated', comma separated")
      ->delimiter(',')
      ->capture_default_str();
  benchmark->add_option("--horizons", o.horizons, "Horizons, comma separated")
      ->delimiter(',')
      ->check(kPositive)
      ->capture_default_str();
  benchmark->add_option("--epochs", o.epochs, "Most epochs of every cell (default: the paper's)")
      ->check(kPositive);
  benchmark->add_option("--seed", o.seed, "Seed of every cell")->capture_default_str();
  benchmark->add_option("--device", o.device, "cpu or cuda:N")->capture_default_str();
  benchmark->add_option("--threads", o.threads, "CPU threads (default: all cores)")
      ->check(kPositive);
  benchmark->add_option("--out", o.out, "Where the cells' runs and the table go")
      ->capture_default_str();
  return benchmark;
}

namespace {

struct Cell {
  std::string data, dataset, model;
  int64_t horizon;
  std::filesystem::path directory;
};

std::vector<Cell> cells_of(const ForecastBenchmarkOptions& o) {
  std::vector<Cell> cells;
  for (const std::string& data : o.data) {
    const std::string dataset = forecast_dataset_name(data);
    for (const std::string& model : o.models)
      for (const int64_t horizon : o.horizons)
        cells.push_back(
            {data, dataset, model, horizon,
             std::filesystem::path(o.out) / dataset / (model + "-" + std::to_string(horizon))});
  }
  return cells;
}

// Trains the cell (resuming what an earlier benchmark left); a failure is reported and kept
// in the table, and the matrix goes on. Nothing when the run was interrupted.
std::optional<nlohmann::json> run_cell(const Cell& cell, const ForecastBenchmarkOptions& o) {
  const std::filesystem::path results = cell.directory / kResultsFile;
  if (std::filesystem::exists(results)) return nlohmann::json::parse(read_file(results.string()));
  ForecastTrainOptions train{.model = cell.model,
                             .data = cell.data,
                             .horizon = cell.horizon,
                             .epochs = o.epochs,
                             .seed = o.seed,
                             .device = o.device,
                             .threads = o.threads,
                             .out = cell.directory.string(),
                             .resume = std::filesystem::exists(cell.directory / kCheckpointFile)};
  try {
    if (run_train_forecast(train) != 0) return std::nullopt;
  } catch (const std::exception& error) {
    std::printf("%s %s H %lld failed: %s\n", cell.dataset.c_str(), cell.model.c_str(),
                static_cast<long long>(cell.horizon), error.what());
    return nlohmann::json{
        {"model", cell.model}, {"dataset", cell.dataset}, {"error", error.what()}};
  }
  return nlohmann::json::parse(read_file(results.string()));
}

std::string number(const nlohmann::json& value, const char* format = "%.4f") {
  if (value.is_null()) return "";
  char text[32];
  std::snprintf(text, sizeof text, format, value.get<double>());
  return text;
}

nlohmann::json at_path(const nlohmann::json& json, const nlohmann::json::json_pointer& path) {
  return json.contains(path) ? json.at(path) : nlohmann::json(nullptr);
}

std::string csv_table(const std::vector<Cell>& cells, const std::vector<nlohmann::json>& results) {
  using Pointer = nlohmann::json::json_pointer;
  std::string csv =
      "dataset,model,horizon,lookback,reported_mode,mse,mae,mse_all,mae_all,mse_drop_last,"
      "mae_drop_last,published_mse,reproduced,best_epoch,epochs_run,seconds,threads,error\n";
  for (size_t i = 0; i < cells.size(); ++i) {
    const nlohmann::json& r = results[i];
    const auto field = [&](const char* path, const char* format = "%.4f") {
      return number(at_path(r, Pointer(path)), format);
    };
    const auto text = [&](const char* path) {
      const nlohmann::json value = at_path(r, Pointer(path));
      return value.is_null() ? std::string() : value.dump();
    };
    csv += cells[i].dataset + "," + cells[i].model + "," + std::to_string(cells[i].horizon) + "," +
           text("/settings/lookback") + "," + at_path(r, Pointer("/reported_mode")).dump() + "," +
           field("/reported/mse") + "," + field("/reported/mae") + "," + field("/test/mse") + "," +
           field("/test/mae") + "," + field("/test_drop_last/mse") + "," +
           field("/test_drop_last/mae") + "," + field("/published/mse", "%.3f") + "," +
           text("/reproduced") + "," + text("/best_epoch") + "," + text("/epochs_run") + "," +
           field("/seconds", "%.1f") + "," + text("/threads") + "," + text("/error") + "\n";
  }
  return csv;
}

// The papers' layout: a row per dataset and horizon, a column per model holding kiln's MSE and
// MAE, the published MSE in brackets, and a check mark where kiln is within 2% of it.
std::string markdown_table(const ForecastBenchmarkOptions& o, const std::vector<Cell>& cells,
                           const std::vector<nlohmann::json>& results) {
  std::string md = "| dataset | H |";
  std::string rule = "|---|---|";
  for (const std::string& model : o.models) {
    md += " " + model + " MSE / MAE (published MSE) |";
    rule += "---|";
  }
  md += "\n" + rule + "\n";
  std::map<std::pair<std::string, int64_t>, std::map<std::string, std::string>> rows;
  std::vector<std::pair<std::string, int64_t>> order;
  for (size_t i = 0; i < cells.size(); ++i) {
    const nlohmann::json& r = results[i];
    const auto key = std::make_pair(cells[i].dataset, cells[i].horizon);
    if (!rows.contains(key)) order.push_back(key);
    std::string cell = r.contains("error") ? "error" : "not run";
    if (r.contains("reported")) {
      cell = number(r["reported"]["mse"]) + " / " + number(r["reported"]["mae"]);
      if (r.contains("published"))
        cell += " (" + number(r["published"]["mse"], "%.3f") + ")" +
                (r.value("reproduced", false) ? " ✓" : "");
      if (r.value("reported_mode", "") == "drop_last") cell += " †";
    }
    rows[key][cells[i].model] = cell;
  }
  for (const auto& key : order) {
    md += "| " + key.first + " | " + std::to_string(key.second) + " |";
    for (const std::string& model : o.models) md += " " + rows[key][model] + " |";
    md += "\n";
  }
  md +=
      "\nkiln's test MSE / MAE on the standardised scale, each model in its paper's settings; "
      "published MSE in brackets; ✓: within 2% of it or below; †: the last incomplete test "
      "batch dropped, as the paper did (otherwise every test window).\n";
  return md;
}

}  // namespace

int run_forecast_benchmark(const ForecastBenchmarkOptions& o) {
  const std::vector<Cell> cells = cells_of(o);
  std::vector<nlohmann::json> results;
  for (size_t i = 0; i < cells.size(); ++i) {
    const Cell& cell = cells[i];
    std::printf("[%zu/%zu] %s %s H %lld -> %s\n", i + 1, cells.size(), cell.dataset.c_str(),
                cell.model.c_str(), static_cast<long long>(cell.horizon), cell.directory.c_str());
    std::fflush(stdout);
    std::optional<nlohmann::json> result = run_cell(cell, o);
    if (!result) {
      std::printf("interrupted; the same command continues the matrix\n");
      return 130;
    }
    results.push_back(std::move(*result));
  }
  const std::filesystem::path out(o.out);
  std::filesystem::create_directories(out);
  write_file_atomically((out / "results.csv").string(), csv_table(cells, results));
  const std::string md = markdown_table(o, cells, results);
  write_file_atomically((out / "results.md").string(), md);
  std::printf("\n%s\ntables written to %s and %s\n", md.c_str(), (out / "results.csv").c_str(),
              (out / "results.md").c_str());
  return 0;
}

}  // namespace kiln::tools
