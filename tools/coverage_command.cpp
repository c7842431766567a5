// kiln coverage: writes (or checks) the PyTorch coverage table, docs/pytorch-coverage.md.
#include <fstream>
#include <iostream>
#include <sstream>

#include "tensor/error.h"
#include "tools/commands.h"
#include "tools/pytorch_coverage.h"

namespace kiln::tools {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  KILN_CHECK(in.good(), "coverage: cannot read ", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json read_surface(const std::string& path) {
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& error) {
    throw Error(std::string("coverage: ") + path + " is not valid JSON: " + error.what());
  }
}

// The table of the surface file; a file without the expected fields is a kiln::Error.
std::string table_of(const std::string& surface) {
  try {
    return pytorch_coverage_table(read_surface(surface));
  } catch (const nlohmann::json::exception& error) {
    throw Error(std::string("coverage: ") + surface +
                " does not list sections of names: " + error.what());
  }
}

}  // namespace

CLI::App* add_coverage_command(CLI::App& app, CoverageOptions& options) {
  CLI::App* coverage = app.add_subcommand(
      "coverage",
      "Write the PyTorch coverage table: each PyTorch name of the surface file beside kiln's "
      "op, layer or schedule, or 'missing'");
  coverage->add_option("--surface", options.surface, "PyTorch's names (JSON)")
      ->capture_default_str();
  coverage->add_option("--out", options.out, "The table to write (Markdown)")
      ->capture_default_str();
  coverage->add_flag("--check", options.check,
                     "Write nothing; fail unless --out holds the current table and names every "
                     "op of the registry");
  return coverage;
}

int run_coverage(const CoverageOptions& options) {
  const std::string table = table_of(options.surface);
  if (!options.check) {
    std::ofstream out(options.out, std::ios::binary);
    KILN_CHECK(out.good(), "coverage: cannot write ", options.out);
    out << table;
    KILN_CHECK(out.good(), "coverage: writing ", options.out, " failed");
    std::cout << "wrote " << options.out << "\n";
    return 0;
  }
  const std::string committed = read_file(options.out);
  const std::vector<std::string> missing = registry_ops_missing_from(committed);
  for (const std::string& name : missing) {
    std::cerr << "kiln: registry op '" << name << "' is missing from " << options.out << "\n";
  }
  if (committed != table || !missing.empty()) {
    std::cerr << "kiln: " << options.out << " is out of date; run kiln coverage --out "
              << options.out << "\n";
    return 1;
  }
  std::cout << options.out << " is current\n";
  return 0;
}

}  // namespace kiln::tools
