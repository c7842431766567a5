#pragma once

// The whole `kiln` command line in one object: every subcommand registered on one CLI11 app,
// parsing, and dispatch to the subcommand's run_*. main uses it; so does `kiln sweep`, which
// parses every trial's arguments with it before any trial starts.
#include <memory>
#include <string>
#include <vector>

namespace kiln::tools {

class KilnCommandLine {
 public:
  KilnCommandLine();
  ~KilnCommandLine();
  // Parses argv (argv[0] is the program); a CLI::ParseError (including --help) propagates.
  void parse(int argc, const char* const* argv);
  // Runs the parsed subcommand and returns its exit status; errors propagate.
  int run();
  // main's whole job: parse, run, print an error as one line, return the status.
  int main(int argc, const char* const* argv);

 private:
  struct Commands;
  std::unique_ptr<Commands> commands_;
};

// Throws kiln::Error with the parser's message when `arguments` (after "kiln") is not a
// command line kiln accepts: an unknown option, a bad value, a missing argument.
void check_kiln_arguments(const std::vector<std::string>& arguments);

}  // namespace kiln::tools
