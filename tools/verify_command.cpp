// kiln verify: runs the op registry's checks on one device and prints a table of op x
// {forward against float64, gradcheck, gradgradcheck, parity with the CPU, bad inputs}
// with pass/fail and the worst error.
#include <cstdio>
#include <iostream>

#include "autograd/registry/op_verify.h"
#include "tensor/error.h"
#include "tools/commands.h"

namespace kiln::tools {

namespace {

using autograd::CheckOutcome;
using autograd::OpReport;

std::string cell(const CheckOutcome& outcome) {
  if (!outcome.ran) return "-";
  char text[48];
  std::snprintf(text, sizeof text, "%s %.1e", outcome.passed ? "pass" : "FAIL",
                outcome.worst_error);
  return text;
}

// Bad inputs have no error size: the rows checked instead.
std::string rows_cell(const CheckOutcome& outcome) {
  if (!outcome.ran) return "-";
  return std::string(outcome.passed ? "pass " : "FAIL ") + std::to_string(outcome.cases) + " rows";
}

}  // namespace

CLI::App* add_verify_command(CLI::App& app, VerifyOptions& options) {
  CLI::App* verify = app.add_subcommand(
      "verify",
      "Check every differentiable op of the op registry on a device: the float32 forward against "
      "float64, first and second derivatives against central differences, forward and "
      "gradients against the CPU (off the CPU), and the op's bad inputs (on the CPU)");
  verify->add_option("--op", options.ops, "Check only this op (repeatable); see --list");
  verify->add_option("--device", options.device, "Device to run every check on: cpu or cuda:N")
      ->capture_default_str();
  verify->add_flag("--verbose", options.verbose, "Print each failure's worst element and sample");
  verify->add_flag("--list", options.list, "List the registry's ops and exit");
  return verify;
}

int run_verify(const VerifyOptions& options) {
  const auto& registry = autograd::op_registry();
  if (options.list) {
    for (const auto& entry : registry) std::cout << entry.name() << "\n";
    return 0;
  }
  const Device device = Device::parse(options.device);
  const std::vector<const autograd::OpEntry*> selected = autograd::find_op_entries(options.ops);

  const bool on_cpu = device.is_cpu();
  std::printf("%-34s %7s  %-14s %-14s %-14s %-14s\n", "op", "samples", "forward", "gradcheck",
              "gradgradcheck", on_cpu ? "bad inputs" : "parity vs cpu");
  int failed = 0, unsupported = 0;
  for (const auto* entry : selected) {
    OpReport report;
    try {
      report = autograd::verify_op(*entry, autograd::kAllOpChecks, device);
    } catch (const Error& error) {
      report.name = entry->name();
      report.forward = {.ran = true, .passed = false, .worst_error = 0, .message = error.what()};
    }
    if (!report.unsupported.empty()) {
      ++unsupported;
      std::printf("%-34s %7s  unsupported: %s\n", report.name.c_str(), "-",
                  report.unsupported.c_str());
      continue;
    }
    std::printf("%-34s %7d  %-14s %-14s %-14s %-14s\n", report.name.c_str(), report.samples,
                cell(report.forward).c_str(), cell(report.gradcheck).c_str(),
                cell(report.gradgradcheck).c_str(),
                (on_cpu ? rows_cell(report.bad_inputs) : cell(report.parity)).c_str());
    if (!report.passed()) {
      ++failed;
      if (options.verbose) {
        for (const autograd::OpCheck check : autograd::kAllOpChecks) {
          const CheckOutcome& outcome = report.outcome(check);
          if (!outcome.passed) std::printf("    %s\n", outcome.message.c_str());
        }
      }
    }
  }
  std::printf("\n%zu ops: %zu passed, %d failed, %d unsupported on %s\n", selected.size(),
              selected.size() - failed - unsupported, failed, unsupported, device.str().c_str());
  // Nothing verified is not a pass: an unsupported op fails the run too.
  return failed > 0 || unsupported > 0 ? 1 : 0;
}

}  // namespace kiln::tools
