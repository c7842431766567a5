// kiln_verify: runs the op registry's checks and prints a table of op x {forward against
// float64, gradcheck, gradgradcheck} with pass/fail and the worst error. Becomes
// `kiln verify` once the command line exists.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "autograd/registry/op_verify.h"

namespace {

using kiln::autograd::CheckOutcome;
using kiln::autograd::OpReport;

std::string cell(const CheckOutcome& outcome) {
  if (!outcome.ran) return "-";
  char text[48];
  std::snprintf(text, sizeof text, "%s %.1e", outcome.passed ? "pass" : "FAIL",
                outcome.worst_error);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Checks every differentiable op of kiln's op registry: the float32 forward "
      "against float64, and first and second derivatives against central "
      "differences (gradcheck, gradgradcheck)."};
  std::vector<std::string> ops;
  std::string device_text = "cpu";
  bool verbose = false;
  app.add_option("--op", ops, "Check only this op (repeatable); see --list for the names");
  app.add_option("--device", device_text, "Device for the forward check: cpu or cuda:N")
      ->capture_default_str();
  app.add_flag("--verbose", verbose, "Print each failure's message (worst element, sample)");
  bool list = false;
  app.add_flag("--list", list, "List the registry's ops and exit");
  CLI11_PARSE(app, argc, argv);

  const auto& registry = kiln::autograd::op_registry();
  if (list) {
    for (const auto& entry : registry) std::cout << entry.name << "\n";
    return 0;
  }
  kiln::Device device;
  try {
    device = kiln::Device::parse(device_text);
  } catch (const kiln::Error& error) {
    std::cerr << "kiln_verify: " << error.what() << "\n";
    return 2;
  }
  std::vector<const kiln::autograd::OpEntry*> selected;
  for (const std::string& name : ops) {
    const auto* entry = kiln::autograd::find_op_entry(name);
    if (entry == nullptr) {
      std::cerr << "kiln_verify: no op named '" << name << "' in the registry (see --list)\n";
      return 2;
    }
    selected.push_back(entry);
  }
  if (ops.empty()) {
    for (const auto& entry : registry) selected.push_back(&entry);
  }

  std::printf("%-16s %7s  %-14s %-14s %-14s\n", "op", "samples", "forward", "gradcheck",
              "gradgradcheck");
  int failed = 0, unsupported = 0;
  for (const auto* entry : selected) {
    OpReport report;
    try {
      report = kiln::autograd::verify_op(*entry, kiln::autograd::kAllOpChecks, device);
    } catch (const kiln::Error& error) {
      report.name = entry->name;
      report.forward = {.ran = true, .passed = false, .worst_error = 0, .message = error.what()};
    }
    if (!report.unsupported.empty()) {
      ++unsupported;
      std::printf("%-16s %7s  unsupported: %s\n", report.name.c_str(), "-",
                  report.unsupported.c_str());
      continue;
    }
    std::printf("%-16s %7d  %-14s %-14s %-14s\n", report.name.c_str(), report.samples,
                cell(report.forward).c_str(), cell(report.gradcheck).c_str(),
                cell(report.gradgradcheck).c_str());
    if (!report.passed()) {
      ++failed;
      if (verbose) {
        for (const CheckOutcome* outcome :
             {&report.forward, &report.gradcheck, &report.gradgradcheck}) {
          if (!outcome->passed) std::printf("    %s\n", outcome->message.c_str());
        }
      }
    }
  }
  std::printf("\n%zu ops: %zu passed, %d failed, %d unsupported on %s\n", selected.size(),
              selected.size() - failed - unsupported, failed, unsupported, device_text.c_str());
  // Nothing verified is not a pass: an unsupported op fails the run too.
  return failed > 0 || unsupported > 0 ? 1 : 0;
}
