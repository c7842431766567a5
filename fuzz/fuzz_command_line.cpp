// The kiln command line (tools/command_line.h): the input is the arguments after "kiln", one
// per line; parsed (never run) or refused with CLI11's ParseError or a kiln::Error.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "tools/command_line.h"

namespace {

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> arguments = lines_of(kiln::fuzz::bytes_of(data, size));
  arguments.insert(arguments.begin(), "kiln");
  std::vector<const char*> argv;
  for (const std::string& argument : arguments) argv.push_back(argument.c_str());
  kiln::tools::KilnCommandLine command_line;
  try {
    command_line.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
  } catch (const kiln::Error&) {
  }
  return 0;
}
