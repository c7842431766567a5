#include "tools/run_examples.h"

#include <fstream>

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"

namespace kiln::tools {

void write_run_examples(const std::filesystem::path& directory, const RunExamples& examples) {
  write_file_atomically((directory / kExamplesFile).string(),
                        nlohmann::json(examples).dump() + "\n");
}

std::optional<RunExamples> read_run_examples(const std::filesystem::path& directory) {
  const std::filesystem::path file = directory / kExamplesFile;
  if (!std::filesystem::exists(file)) return std::nullopt;
  std::ifstream in(file);
  KILN_CHECK(in.good(), "cannot read '", file.string(), "'");
  try {
    return nlohmann::json::parse(in).get<RunExamples>();
  } catch (const nlohmann::json::exception& error) {
    throw Error(
        detail::concat("'", file.string(), "' is not a kiln examples file: ", error.what()));
  }
}

}  // namespace kiln::tools
