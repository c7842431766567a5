#include "tools/run_examples.h"

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/json_input.h"

namespace kiln::tools {

namespace {

// RunExamples' integer fields hold JSON integers.
void check_integer_fields(const nlohmann::json& json, const std::string& where) {
  check_integers(json, {"epoch"}, where);
  check_integers(json, {"forecasts", "*", "window"}, where);
  check_integers(json, {"tours", "*", "tours", "*", "tour", "*"}, where);
  for (const char* tokens : {"input", "target", "prediction"})
    check_integers(json, {"sequences", "*", tokens, "*"}, where);
}

// Every tour visits points of its instance, so that a report can draw it.
void check_tours(const RunExamples& examples, const std::string& where) {
  for (const TspExample& example : examples.tours) {
    const auto points = static_cast<int64_t>(example.points.size());
    for (const TourExample& tour : example.tours)
      for (const int64_t node : tour.tour)
        KILN_CHECK(node >= 0 && node < points, where, ": tour '", tour.name, "' visits node ", node,
                   " of an instance of ", points, " points");
  }
}

}  // namespace

void write_run_examples(const std::filesystem::path& directory, const RunExamples& examples) {
  write_file_atomically((directory / kExamplesFile).string(),
                        nlohmann::json(examples).dump() + "\n");
}

std::optional<RunExamples> read_run_examples(const std::filesystem::path& directory) {
  const std::filesystem::path file = directory / kExamplesFile;
  if (!std::filesystem::exists(file)) return std::nullopt;
  return parse_run_examples(read_file(file.string()), file.string());
}

RunExamples parse_run_examples(std::string_view text, const std::string& source) {
  const std::string where = "'" + source + "' is not a kiln examples file";
  RunExamples examples;
  try {
    const nlohmann::json json = nlohmann::json::parse(text, json_depth_limit("'" + source + "'"));
    check_integer_fields(json, where);
    examples = json.get<RunExamples>();
  } catch (const nlohmann::json::exception& error) {
    throw Error(detail::concat(where, ": ", error.what()));
  }
  check_tours(examples, where);
  return examples;
}

}  // namespace kiln::tools
