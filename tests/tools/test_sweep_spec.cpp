// kiln sweep's spec: a good one read with its defaults; every bad one refused before a trial
// starts, the error naming the field; the trials' arguments checked option by option.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tensor/error.h"
#include "tools/sweep/search_space.h"
#include "tools/sweep/sweep_spec.h"

namespace kiln::tools::sweep {
namespace {

using Json = nlohmann::ordered_json;

Json good_spec() {
  return Json::parse(R"({
    "name": "lr",
    "command": ["train", "forecast", "--model", "patchtst", "--data", "ETTh1.csv"],
    "parameters": {
      "--lr": {"float": [1e-5, 1e-2], "log": true},
      "--set dropout": {"choices": [0.1, 0.2, 0.3]},
      "--batch-size": {"int": [16, 128]}
    },
    "search": {"trials": 12, "seed": 5},
    "scheduler": {"min_epochs": 1, "max_epochs": 9}
  })");
}

TEST(SweepSpec, ReadsAGoodSpecWithItsDefaults) {
  const SweepSpec spec = parse_sweep_spec(good_spec());
  EXPECT_EQ(spec.name, "lr");
  ASSERT_EQ(spec.parameters.size(), 3u);
  // The spec's order, not the alphabetical one.
  EXPECT_EQ(spec.parameters[0].name, "--lr");
  EXPECT_EQ(spec.parameters[1].option, "--set");
  EXPECT_EQ(spec.parameters[1].key, "dropout");
  EXPECT_EQ(spec.parameters[2].domain.kind, Domain::Kind::Int);
  EXPECT_TRUE(spec.parameters[0].domain.log);
  EXPECT_EQ(spec.method, SearchMethod::Random);
  EXPECT_EQ(spec.trials, 12);
  EXPECT_EQ(spec.seed, 5u);
  EXPECT_TRUE(spec.asha);
  EXPECT_EQ(spec.reduction_factor, 3);
  EXPECT_EQ(spec.metric, "validation_mse");
  EXPECT_TRUE(spec.lower_is_better);
  EXPECT_EQ(spec.threads_per_trial, 1);
  EXPECT_EQ(spec.json.at("search").at("seed"), 5);
}

TEST(SweepSpec, EachTaskHasItsMetric) {
  EXPECT_EQ(default_metric({"train", "tsp"}).column, "validation_length");
  EXPECT_TRUE(default_metric({"train", "tsp"}).lower_is_better);
  EXPECT_EQ(default_metric({"train", "copy"}).column, "heldout_exact_match");
  EXPECT_FALSE(default_metric({"train", "copy"}).lower_is_better);
  Json spec = good_spec();
  spec["metric"] = "test_mae";
  spec["mode"] = "max";
  EXPECT_FALSE(parse_sweep_spec(spec).lower_is_better);
}

TEST(SweepSpec, WithoutASHAEveryTrialTrainsTheBudget) {
  Json spec = good_spec();
  spec["scheduler"] = {{"kind", "none"}, {"max_epochs", 5}};
  const SweepSpec parsed = parse_sweep_spec(spec);
  EXPECT_FALSE(parsed.asha);
  EXPECT_EQ(parsed.min_epochs, 5);
}

struct BadSpec {
  const char* what;
  const char* change;  // a JSON merge patch onto the good spec
  const char* message;
};

void PrintTo(const BadSpec& bad, std::ostream* out) {
  *out << bad.what;
}

class SweepSpecErrors : public ::testing::TestWithParam<BadSpec> {};

TEST_P(SweepSpecErrors, NameTheField) {
  Json spec = good_spec();
  spec.merge_patch(Json::parse(GetParam().change));
  try {
    parse_sweep_spec(spec);
    FAIL() << "accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(GetParam().message), std::string::npos)
        << error.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sweep, SweepSpecErrors,
    ::testing::Values(
        BadSpec{"unknown key", R"({"serch": {}})", "serch: unknown key (known: name, command"},
        BadSpec{"unknown nested key", R"({"search": {"methd": "grid"}})", "search.methd: unknown"},
        BadSpec{"unknown domain key", R"({"parameters": {"--lr": {"logg": true}}})",
                "parameters.--lr.logg: unknown key"},
        BadSpec{"empty float range", R"({"parameters": {"--lr": {"float": [0.1, 0.01]}}})",
                "parameters.--lr.float: an empty range, low 0.1 > high 0.01"},
        BadSpec{"empty int range", R"({"parameters": {"--batch-size": {"int": [64, 16]}}})",
                "parameters.--batch-size.int: an empty range"},
        BadSpec{"empty choices", R"({"parameters": {"--set dropout": {"choices": []}}})",
                "parameters.--set dropout.choices: must be a non-empty list"},
        BadSpec{"log range at zero", R"({"parameters": {"--lr": {"float": [0, 0.1]}}})",
                "parameters.--lr: a log range must lie above zero, got [0,0.1]"},
        BadSpec{"log range through zero", R"({"parameters": {"--lr": {"float": [-1, 1]}}})",
                "parameters.--lr: a log range must lie above zero"},
        BadSpec{"grid without points", R"({"search": {"method": "grid", "trials": null}})",
                "parameters.--lr: a grid over a float range needs \"points\""},
        BadSpec{"points in a random search", R"({"parameters": {"--lr": {"points": 4}}})",
                "parameters.--lr.points: only a grid search takes points"},
        BadSpec{"two kinds", R"({"parameters": {"--lr": {"int": [1, 2]}}})",
                "parameters.--lr: give one of choices, int or float"},
        BadSpec{"int range of floats", R"({"parameters": {"--batch-size": {"int": [1.5, 3]}}})",
                "parameters.--batch-size.int: must be [low, high] with integers"},
        BadSpec{"not an option", R"({"parameters": {"lr": {"float": [0.1, 1]}}})",
                "parameters.lr: not an option"},
        BadSpec{"bad mode", R"({"mode": "maximum"})", "mode: must be one of min, max"},
        BadSpec{"metric without mode", R"({"metric": "test_mae"})", "mode: required"},
        BadSpec{"no trials", R"({"search": {"trials": 0}})",
                "search.trials: must be an integer of at least 1, got 0"},
        BadSpec{"trials of a grid",
                R"({"search": {"method": "grid"}, "parameters": {"--lr": {"points": 3}}})",
                "search.trials: a grid has one trial per point"},
        BadSpec{"reduction factor 1", R"({"scheduler": {"reduction_factor": 1}})",
                "scheduler.reduction_factor: must be an integer of at least 2"},
        BadSpec{"min above max", R"({"scheduler": {"min_epochs": 10}})",
                "scheduler.min_epochs: 10 is more than max_epochs 9"},
        BadSpec{"no budget", R"({"scheduler": {"max_epochs": null}})",
                "scheduler.max_epochs: required"},
        BadSpec{"no scheduler", R"({"scheduler": null})", "scheduler: required"},
        BadSpec{"ASHA keys without ASHA", R"({"scheduler": {"kind": "none"}})",
                "scheduler.min_epochs: only with kind \"asha\""},
        BadSpec{"sweep's option searched", R"({"parameters": {"--epochs": {"int": [1, 9]}}})",
                "parameters.--epochs: the sweep sets --epochs itself"},
        BadSpec{"sweep's option in the command", R"({"command": ["train", "copy", "--out", "x"]})",
                "command: --out is the sweep's own"},
        BadSpec{"not a training", R"({"command": ["eval", "forecast"]})",
                "command: a sweep runs `kiln train`"},
        BadSpec{"option given twice", R"({"command": ["train", "forecast", "--lr", "0.1"]})",
                "parameters.--lr: the command gives it too"},
        BadSpec{"no parameters", R"({"parameters": []})", "parameters: must be an object of at"},
        BadSpec{"no name", R"({"name": null})", "name: required"},
        BadSpec{"threads", R"({"threads_per_trial": 0})",
                "threads_per_trial: must be an integer"}));

TEST(SweepSpec, KeyValueOptionsClashOnlyOnTheSameKey) {
  Json spec = good_spec();
  spec["command"].push_back("--set");
  spec["command"].push_back("d_model=32");
  EXPECT_NO_THROW(parse_sweep_spec(spec));
  spec["command"].push_back("--set=dropout=0.5");
  EXPECT_THROW(parse_sweep_spec(spec), Error);
}

// Kiln's parser stands in: it refuses "--lrr" and a negative --lr, and "forecats".
void fake_kiln_parser(const std::vector<std::string>& arguments) {
  for (size_t i = 0; i < arguments.size(); ++i) {
    KILN_CHECK(arguments[i] != "--lrr", "The following argument was not expected: --lrr");
    KILN_CHECK(arguments[i] != "forecats", "The following argument was not expected: forecats");
    if (arguments[i] == "--lr")
      KILN_CHECK(std::stod(arguments[i + 1]) > 0, "--lr: must be positive, got ", arguments[i + 1]);
  }
}

std::string argument_error(const Json& json) {
  const SweepSpec spec = parse_sweep_spec(json);
  try {
    check_trial_arguments(spec, trial_configurations(spec), fake_kiln_parser);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(SweepSpec, KilnsParserChecksEachField) {
  EXPECT_EQ(argument_error(good_spec()), "");
  Json unknown = good_spec();
  unknown["parameters"]["--lrr"] = {{"float", {0.1, 1}}};
  EXPECT_TRUE(argument_error(unknown).starts_with(
      "parameters.--lrr: The following argument was not expected: --lrr"))
      << argument_error(unknown);
  Json command = good_spec();
  command["command"][1] = "forecats";
  EXPECT_TRUE(argument_error(command).starts_with("command: ")) << argument_error(command);
  Json negative = good_spec();
  negative["parameters"]["--lr"] = {{"float", {-1, 1}}};
  EXPECT_TRUE(argument_error(negative).starts_with("parameters.--lr: --lr: must be positive"))
      << argument_error(negative);
}

// A spec nested 100,000 levels deep parsed, then overflowed the stack where kiln sweep copied
// it (found past the fuzzer's input sizes; fuzz/corpus/sweep_spec/regression_nested_300.json).
TEST(SweepSpec, NestingDeeperThanTheLimitIsAnError) {
  const std::string deep =
      R"({"name": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  try {
    parse_sweep_spec_text(deep, "deep.json");
    FAIL() << "accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("sweep spec 'deep.json': JSON nested deeper than"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace kiln::tools::sweep
