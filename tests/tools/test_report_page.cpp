// kiln report's page: well-formed, self-contained HTML built from run directories, with each
// run's command, metrics and charts, a comparison of several runs marking the best, the
// forecasting benchmark's matrix, and clear errors.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "scratch_directory.h"
#include "tensor/error.h"
#include "tools/markup_check.h"
#include "tools/report/report_page.h"
#include "tools/report/run_data.h"
#include "tools/run_examples.h"
#include "tools/run_record.h"

namespace kiln::tools::report {
namespace {

using kiln::testing::ScratchDirectory;

void write(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

// A forecasting run as kiln train forecast leaves it, with `validation` as its epochs' scores.
void write_forecast_run(const std::filesystem::path& dir, const std::vector<double>& validation) {
  std::string metrics =
      "epoch,step,loss,validation_mse,validation_mae,test_mse,test_mae,lr,windows_per_second,"
      "seconds\n";
  std::string steps = "step,loss,lr\n";
  for (size_t e = 0; e < validation.size(); ++e) {
    metrics += std::to_string(e + 1) + "," + std::to_string(10 * (e + 1)) + ",0.5," +
               std::to_string(validation[e]) + ",0.6,0.45,0.5,0.001,900," + std::to_string(e + 1) +
               "\n";
    for (int s = 1; s <= 10; ++s)
      steps += std::to_string(10 * e + s) + "," + std::to_string(1.0 / (10 * e + s)) + ",0.001\n";
  }
  write(dir / "metrics.csv", metrics);
  write(dir / "steps.csv", steps);
  write(dir / "run.json",
        nlohmann::json{
            {"kind", "forecast"},
            {"command", {"kiln", "train", "forecast", "--model", "dlinear"}},
            {"config",
             {{"model", {{"moving_avg", 25}}},
              {"settings",
               {{"model", "dlinear"}, {"dataset", "ETTh1"}, {"horizon", 96}, {"seed", 1}}}}},
            {"machine",
             {{"version", "0.1.0"}, {"threads", 2}, {"cuda_devices", nlohmann::json::array()}}},
            {"started", "2026-12-07T10:00:00Z"}}
            .dump());
  RunExamples examples{.epoch = static_cast<int64_t>(validation.size())};
  examples.forecasts.push_back({.window = 0,
                                .channel = "OT",
                                .lookback = {0.1, 0.2, 0.3},
                                .truth = {0.4, 0.5},
                                .prediction = {0.35, 0.45}});
  write_run_examples(dir, examples);
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(ReportPage, IsWellFormedAndSelfContained) {
  const ScratchDirectory scratch("report");
  write_forecast_run(scratch.path() / "dlinear-a", {0.9, 0.7, 0.8});
  const std::string html = report_html({scratch.path() / "dlinear-a"}, "A & <B>");
  EXPECT_EQ(kiln::testing::markup_problem(html), "");
  EXPECT_NE(html.find("<title>A &amp; &lt;B&gt;</title>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex("url\\((?!#)")));  // clip paths: url(#id)
  EXPECT_EQ(html.find("@import"), std::string::npos);
  // The only address is SVG's namespace name, which no browser fetches.
  const std::regex address("https?://");
  const std::string without_namespace =
      std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
  EXPECT_FALSE(std::regex_search(without_namespace, address));
}

TEST(ReportPage, ShowsARunsCommandMetricsChartsAndExamples) {
  const ScratchDirectory scratch("report");
  write_forecast_run(scratch.path() / "dlinear-a", {0.9, 0.7, 0.8});
  const std::string html = report_html({scratch.path() / "dlinear-a"}, "one run");
  EXPECT_NE(html.find("kiln train forecast --model dlinear"), std::string::npos);
  EXPECT_NE(html.find("Final metrics"), std::string::npos);
  for (const char* chart : {"Training loss", "MSE per epoch", "MAE per epoch", "Learning rate",
                            "Throughput", "Test window 0, OT"})
    EXPECT_NE(html.find(chart), std::string::npos) << chart;
  EXPECT_NE(html.find("look-back"), std::string::npos);
  EXPECT_NE(html.find("Machine: kiln 0.1.0"), std::string::npos);
  EXPECT_EQ(html.find("runs compared"), std::string::npos);  // one run: nothing to compare
}

TEST(ReportPage, ComparesSeveralRunsAndMarksTheBest) {
  const ScratchDirectory scratch("report");
  write_forecast_run(scratch.path() / "dlinear-a", {0.9, 0.7, 0.8});
  write_forecast_run(scratch.path() / "dlinear-b", {0.95, 0.6});
  const std::string html =
      report_html({scratch.path() / "dlinear-a", scratch.path() / "dlinear-b"}, "two");
  EXPECT_EQ(kiln::testing::markup_problem(html), "");
  EXPECT_NE(html.find("forecast runs compared"), std::string::npos);
  // Best validation MSE: run b's 0.6 (lower is better); fewer epochs, less time: also b.
  EXPECT_NE(html.find("<td class=\"number best\">0.6</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number\">0.7</td>"), std::string::npos);
  EXPECT_NE(html.find("href=\"#run-2\""), std::string::npos);
  EXPECT_NE(html.find("<td>dlinear</td><td>ETTh1</td><td>96</td><td>1</td>"), std::string::npos);
}

TEST(ReportPage, TellsApartRunsOfTheSameName) {
  const ScratchDirectory scratch("report");
  write_forecast_run(scratch.path() / "ETTh1" / "dlinear-96", {0.5});
  write_forecast_run(scratch.path() / "ETTh2" / "dlinear-96", {0.4});
  write_forecast_run(scratch.path() / "ETTh2" / "patchtst-96", {0.3});
  const std::string html =
      report_html({scratch.path() / "ETTh1" / "dlinear-96", scratch.path() / "ETTh2" / "dlinear-96",
                   scratch.path() / "ETTh2" / "patchtst-96"},
                  "names");
  EXPECT_NE(html.find(">ETTh1/dlinear-96<"), std::string::npos);
  EXPECT_NE(html.find(">ETTh2/dlinear-96<"), std::string::npos);
  EXPECT_NE(html.find(">patchtst-96<"), std::string::npos);
}

TEST(ReportPage, ReportsARunWithoutTheNewerFiles) {
  const ScratchDirectory scratch("report");
  write(scratch.path() / "old/metrics.csv",
        "epoch,step,loss,heldout_exact_match,heldout_token_accuracy,lr,tokens_per_second,seconds\n"
        "1,25,2.5,0.1,0.5,0.001,1000,1.5\n2,50,1.25,nan,0.75,0.0005,1000,3\n");
  const std::string html = report_html({scratch.path() / "old"}, "old");
  EXPECT_EQ(kiln::testing::markup_problem(html), "");
  EXPECT_NE(html.find("sequence"), std::string::npos);  // the kind guessed from the columns
  EXPECT_NE(html.find("the command was not recorded"), std::string::npos);
  EXPECT_NE(html.find("exact match per epoch"), std::string::npos);
}

// Found by fuzz_run_record (fuzz/corpus/run_record/regression_machine_without_cuda_devices.json):
// a machine without "cuda_devices", or a record without "machine", made the report read a
// missing key, which is undefined; a null config made it throw nlohmann's exception.
TEST(ReportPage, DrawsARecordLackingMachineFields) {
  const ScratchDirectory scratch("report");
  write_forecast_run(scratch.path() / "older", {0.9, 0.7});
  const std::string base = R"({"kind": "forecast", "command": ["kiln"], "config": null)";
  write(scratch.path() / "older" / "run.json", base + R"(, "machine": {"version": "0.0.9"}})");
  const std::string html = report_html({scratch.path() / "older"}, "older");
  EXPECT_EQ(kiln::testing::markup_problem(html), "");
  EXPECT_NE(html.find("Machine: kiln 0.0.9, ?, ?; BLAS ?; ? threads; CUDA devices: 0"),
            std::string::npos);
  write(scratch.path() / "older" / "run.json", base + "}");
  EXPECT_EQ(report_html({scratch.path() / "older"}, "older").find("Machine:"), std::string::npos);
}

TEST(ReportPage, DrawsTheBenchmarkMatrixBesideThePublishedFigures) {
  const ScratchDirectory scratch("report");
  write(scratch.path() / "results.csv", "dataset,model\n");
  for (const auto& [model, mse] :
       std::vector<std::pair<std::string, double>>{{"dlinear", 0.38}, {"patchtst", 0.37}}) {
    const std::filesystem::path cell = scratch.path() / "ETTh1" / (model + "-96");
    write_forecast_run(cell, {0.7});
    write(cell / "results.json",
          nlohmann::json{{"model", model},
                         {"dataset", "ETTh1"},
                         {"settings", {{"horizon", 96}}},
                         {"reported_mode", "drop_last"},
                         {"reported", {{"mse", mse}, {"mae", 0.4}, {"windows", 2688}}},
                         {"published", {{"mse", 0.375}, {"source", "paper"}}}}
              .dump());
  }
  const std::string html = report_html({scratch.path()}, "benchmark");
  EXPECT_EQ(kiln::testing::markup_problem(html), "");
  EXPECT_NE(html.find("Forecasting benchmark"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number best\">0.37</td>"), std::string::npos);  // PatchTST's MSE
  EXPECT_NE(html.find("<td class=\"number second\">0.38</td>"), std::string::npos);  // DLinear's
  EXPECT_EQ(count(html, "<td class=\"number paper\">0.375</td>"), 2u);
  EXPECT_EQ(count(html, "<section class=\"run\""), 2u);  // the cells' runs follow the matrix
}

TEST(ReportPage, RefusesADirectoryThatHoldsNoRun) {
  const ScratchDirectory scratch("report");
  EXPECT_THROW(
      {
        try {
          report_html({scratch.path()}, "x");
        } catch (const Error& error) {
          EXPECT_NE(std::string(error.what()).find(scratch.path().string()), std::string::npos);
          EXPECT_NE(std::string(error.what()).find("is not a run directory"), std::string::npos);
          throw;
        }
      },
      Error);
}

TEST(ReportRunData, KeepsTheLastRowOfARepeatedEpoch) {
  const ScratchDirectory scratch("report");
  write(scratch.path() / "metrics.csv", "epoch,loss\n1,3\n2,2\n2,1.5\n3,1\n");
  const Columns table =
      keep_last_of_each(read_numeric_csv(scratch.path() / "metrics.csv"), "epoch");
  EXPECT_EQ(*table.find("epoch"), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(*table.find("loss"), (std::vector<double>{3, 1.5, 1}));
  EXPECT_EQ(table.find("accuracy"), nullptr);
}

TEST(ReportRunData, ReadsEmptyAndNonNumericCellsAsNaN) {
  const ScratchDirectory scratch("report");
  write(scratch.path() / "metrics.csv", "epoch,p\n1,\n2,nan\n3,0.5\n");
  const Columns table = read_numeric_csv(scratch.path() / "metrics.csv");
  EXPECT_TRUE(std::isnan((*table.find("p"))[0]));
  EXPECT_TRUE(std::isnan((*table.find("p"))[1]));
  EXPECT_EQ((*table.find("p"))[2], 0.5);
}

}  // namespace
}  // namespace kiln::tools::report
