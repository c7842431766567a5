#pragma once

// A few worked examples a training run writes to DIR/examples.json after every epoch, for
// `kiln report` to draw: forecasts against the truth, tours beside the best baseline's,
// predicted against true sequences. One schema per task, shared by the writers and the report.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiln::tools {

inline constexpr const char* kExamplesFile = "examples.json";

// One test window of one channel, on the standardised scale.
struct ForecastExample {
  int64_t window = 0;                                     // index of the test window
  std::string channel;                                    // the CSV column's name
  std::vector<double> lookback{}, truth{}, prediction{};  // L, H and H values
};

struct TourExample {
  std::string name{};  // "model (greedy)", "farthest insertion + 2-opt"
  std::vector<int64_t> tour{};
  double length = 0;
};

struct TspExample {
  std::vector<std::array<double, 2>> points{};
  std::vector<TourExample> tours{};  // the model's first, then the best baseline's
};

struct SequenceExample {
  std::vector<int64_t> input{}, target{}, prediction{};
};

struct RunExamples {
  int64_t epoch = 0;
  std::vector<ForecastExample> forecasts{};
  std::vector<TspExample> tours{};
  std::vector<SequenceExample> sequences{};
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ForecastExample, window, channel, lookback, truth,
                                                prediction)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TourExample, name, tour, length)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TspExample, points, tours)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SequenceExample, input, target, prediction)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RunExamples, epoch, forecasts, tours, sequences)

// Writes DIR/examples.json atomically.
void write_run_examples(const std::filesystem::path& directory, const RunExamples& examples);
// DIR/examples.json, or nothing when the run has none; a malformed file is a kiln::Error.
std::optional<RunExamples> read_run_examples(const std::filesystem::path& directory);
// An examples file's text; `source` names it in messages.
RunExamples parse_run_examples(std::string_view text, const std::string& source);

}  // namespace kiln::tools
