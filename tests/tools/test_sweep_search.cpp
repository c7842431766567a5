// kiln sweep's search space: random draws reproducible from the seed and spread as the domain
// says (log-uniform, inclusive ints); grids in the spec's order; trials' arguments.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "tools/sweep/search_space.h"
#include "tools/sweep/sweep_spec.h"

namespace kiln::tools::sweep {
namespace {

using Json = nlohmann::ordered_json;

SweepSpec spec_of(const std::string& parameters, const std::string& search) {
  return parse_sweep_spec(Json::parse(R"({"name": "t", "command": ["train", "copy"],
    "scheduler": {"max_epochs": 4}, "parameters": )" +
                                      parameters + R"(, "search": )" + search + "}"));
}

std::vector<double> draws(const std::string& domain, int64_t count) {
  const SweepSpec spec =
      spec_of(R"({"--lr": )" + domain + "}", R"({"trials": )" + std::to_string(count) + "}");
  std::vector<double> values;
  for (const nlohmann::json& trial : trial_configurations(spec))
    values.push_back(trial.at("--lr").get<double>());
  return values;
}

double share_below(const std::vector<double>& values, double bound) {
  return static_cast<double>(
             std::count_if(values.begin(), values.end(), [&](double v) { return v < bound; })) /
         static_cast<double>(values.size());
}

TEST(SweepSearch, TheSameSeedGivesTheSameTrialsInTheSameOrder) {
  const std::string parameters =
      R"({"--lr": {"float": [1e-4, 1], "log": true}, "--model": {"choices": ["gpt", "mamba"]},
          "--layers": {"int": [1, 6]}})";
  const std::vector<nlohmann::json> first =
      trial_configurations(spec_of(parameters, R"({"trials": 20, "seed": 3})"));
  EXPECT_EQ(first, trial_configurations(spec_of(parameters, R"({"trials": 20, "seed": 3})")));
  EXPECT_NE(first, trial_configurations(spec_of(parameters, R"({"trials": 20, "seed": 4})")));
  // More trials extend the same sequence.
  const std::vector<nlohmann::json> more =
      trial_configurations(spec_of(parameters, R"({"trials": 30, "seed": 3})"));
  EXPECT_TRUE(std::equal(first.begin(), first.end(), more.begin()));
}

TEST(SweepSearch, FloatsAreUniformOrLogUniformWithinTheRange) {
  const std::vector<double> linear = draws(R"({"float": [2, 4]})", 4000);
  EXPECT_GE(*std::min_element(linear.begin(), linear.end()), 2);
  EXPECT_LE(*std::max_element(linear.begin(), linear.end()), 4);
  EXPECT_NEAR(share_below(linear, 3), 0.5, 0.03);
  EXPECT_NEAR(share_below(linear, 2.5), 0.25, 0.03);

  const std::vector<double> log = draws(R"({"float": [1e-4, 1], "log": true})", 4000);
  EXPECT_GE(*std::min_element(log.begin(), log.end()), 1e-4);
  EXPECT_LE(*std::max_element(log.begin(), log.end()), 1);
  // Each decade holds a quarter of the draws.
  EXPECT_NEAR(share_below(log, 1e-3), 0.25, 0.03);
  EXPECT_NEAR(share_below(log, 1e-2), 0.5, 0.03);
  EXPECT_NEAR(share_below(log, 1e-1), 0.75, 0.03);
}

TEST(SweepSearch, IntsCoverTheRangeWithBothEnds) {
  const SweepSpec spec = spec_of(R"({"--layers": {"int": [1, 3]}})", R"({"trials": 3000})");
  std::map<int64_t, int> counts;
  for (const nlohmann::json& trial : trial_configurations(spec)) {
    ASSERT_TRUE(trial.at("--layers").is_number_integer());
    ++counts[trial.at("--layers").get<int64_t>()];
  }
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts.begin()->first, 1);
  EXPECT_EQ(counts.rbegin()->first, 3);
  for (const auto& [value, count] : counts) EXPECT_NEAR(count / 3000.0, 1 / 3.0, 0.03) << value;

  const SweepSpec log =
      spec_of(R"({"--d-model": {"int": [8, 512], "log": true}})", R"({"trials": 3000})");
  int small = 0;
  for (const nlohmann::json& trial : trial_configurations(log)) {
    const int64_t value = trial.at("--d-model").get<int64_t>();
    ASSERT_GE(value, 8);
    ASSERT_LE(value, 512);
    small += value <= 64;
  }
  // 8..64 is half of 8..512 on a log scale.
  EXPECT_NEAR(small / 3000.0, 0.5, 0.04);
}

TEST(SweepSearch, GridIsTheCartesianProductInTheSpecsOrder) {
  const SweepSpec spec = spec_of(
      R"({"--model": {"choices": ["gpt", "mamba"]}, "--lr": {"float": [1e-3, 1e-1], "log": true,
          "points": 3}})",
      R"({"method": "grid"})");
  EXPECT_EQ(spec.trials, 6);
  const std::vector<nlohmann::json> trials = trial_configurations(spec);
  ASSERT_EQ(trials.size(), 6u);
  const std::vector<std::string> models = {"gpt", "gpt", "gpt", "mamba", "mamba", "mamba"};
  const std::vector<double> rates = {1e-3, 1e-2, 1e-1, 1e-3, 1e-2, 1e-1};
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(trials[i].at("--model"), models[i]) << i;
    EXPECT_NEAR(trials[i].at("--lr").get<double>(), rates[i], 1e-12) << i;
  }
  // The ends are exact.
  EXPECT_EQ(trials[0].at("--lr").get<double>(), 1e-3);
  EXPECT_EQ(trials[2].at("--lr").get<double>(), 1e-1);
}

TEST(SweepSearch, GridValuesOfIntRanges) {
  const auto values = [](const std::string& domain) {
    const SweepSpec spec = spec_of(R"({"--layers": )" + domain + "}", R"({"method": "grid"})");
    std::vector<int64_t> ints;
    for (const nlohmann::json& value : grid_values(spec.parameters[0].domain))
      ints.push_back(value.get<int64_t>());
    return ints;
  };
  EXPECT_EQ(values(R"({"int": [2, 5]})"), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(values(R"({"int": [0, 10], "points": 3})"), (std::vector<int64_t>{0, 5, 10}));
  // Rounded points that repeat count once.
  EXPECT_EQ(values(R"({"int": [1, 3], "points": 5})"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(values(R"({"int": [1, 100], "log": true, "points": 3})"),
            (std::vector<int64_t>{1, 10, 100}));
}

TEST(SweepSearch, ArgumentsSpellEachValueExactly) {
  EXPECT_EQ(argument_text(0.001), "0.001");
  EXPECT_EQ(argument_text(1e-5), "1e-05");
  EXPECT_EQ(argument_text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(argument_text(16), "16");
  EXPECT_EQ(argument_text(true), "true");
  EXPECT_EQ(argument_text("type3"), "type3");

  const SweepSpec spec = spec_of(
      R"({"--lr": {"choices": [0.001]}, "--set dropout": {"choices": [0.2]}})", R"({"trials": 1})");
  EXPECT_EQ(trial_arguments(spec, trial_configurations(spec)[0]),
            (std::vector<std::string>{"train", "copy", "--lr", "0.001", "--set", "dropout=0.2"}));
}

}  // namespace
}  // namespace kiln::tools::sweep
