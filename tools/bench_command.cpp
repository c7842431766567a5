// kiln bench: the op registry's perf mode. Times each benchmark sample of the chosen ops on
// a device and dtype, and prints time per call, GFLOP/s and GB/s from the entry's cost
// model beside the machine's ceilings measured in the same process (FMA peak, copy
// bandwidth), as fractions of them.
#include <cstdio>
#include <string>

#include "autograd/registry/op_bench.h"
#include "tensor/error.h"
#include "tensor/parallel.h"
#include "tools/commands.h"
#include "tools/run_directory.h"
#include "tools/validators.h"

namespace kiln::tools {

namespace {

using autograd::OpBenchmark;

DType dtype_named(const std::string& name) {
  KILN_CHECK(name == "float32" || name == "float64", "--dtype must be float32 or float64, got '",
             name, "'");
  return name == "float32" ? kFloat32 : kFloat64;
}

std::string time_text(double seconds) {
  char text[32];
  if (seconds < 1e-3) {
    std::snprintf(text, sizeof text, "%.2f us", seconds * 1e6);
  } else {
    std::snprintf(text, sizeof text, "%.3f ms", seconds * 1e3);
  }
  return text;
}

// A rate and its fraction of the ceiling, or "-" where the cost model counts none.
std::string rate_text(double per_second, double ceiling) {
  if (per_second <= 0) return "-";
  char text[32];
  if (ceiling > 0) {
    std::snprintf(text, sizeof text, "%.2f (%3.0f%%)", per_second, 100 * per_second / ceiling);
  } else {
    std::snprintf(text, sizeof text, "%.2f", per_second);
  }
  return text;
}

void print_benchmark(const OpBenchmark& bench, const autograd::MachineCeilings& ceilings) {
  if (!bench.unsupported.empty()) {
    std::printf("%-28s unsupported: %s\n", bench.name.c_str(), bench.unsupported.c_str());
    return;
  }
  for (const autograd::SampleTiming& sample : bench.samples) {
    const std::string label = sample.label + (bench.check_size ? " (check size)" : "");
    std::printf(
        "%-28s %-40s %12s %16s %16s\n", bench.name.c_str(), label.c_str(),
        time_text(sample.seconds).c_str(),
        rate_text(sample.cost.flops / sample.seconds * 1e-9, ceilings.fma_gflops).c_str(),
        rate_text(sample.cost.bytes / sample.seconds * 1e-9, ceilings.copy_gbytes_per_second)
            .c_str());
  }
}

}  // namespace

CLI::App* add_bench_command(CLI::App& app, BenchOptions& options) {
  CLI::App* bench = app.add_subcommand(
      "bench",
      "Time ops of the op registry at benchmark sizes: time per call, GFLOP/s and GB/s from "
      "each op's cost model, beside the FMA peak and copy bandwidth measured now");
  bench->add_option("--op", options.ops, "Time this op (repeatable); see kiln verify --list");
  bench->add_flag("--all", options.all, "Time every op of the registry");
  bench->add_option("--device", options.device, "cpu or cuda:N")->capture_default_str();
  bench->add_option("--dtype", options.dtype, "float32 or float64")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();
  bench->add_option("--size", options.size, "small (64 x 64 operands) or large (4096 x 1024)")
      ->check(CLI::IsMember({"small", "large"}))
      ->capture_default_str();
  bench->add_option("--threads", options.threads, "CPU threads (default: all cores)")
      ->check(kPositive);
  bench->add_option("--repetitions", options.repetitions, "Timed rounds; the median is reported")
      ->check(kPositive)
      ->capture_default_str();
  bench->add_option("--min-time", options.min_time, "Seconds each round runs at least")
      ->check(kNonNegative)
      ->capture_default_str();
  return bench;
}

int run_bench(const BenchOptions& options) {
  KILN_CHECK(!options.all || options.ops.empty(), "--op and --all exclude each other");
  KILN_CHECK(options.all || !options.ops.empty(), "say which ops: --op NAME (repeatable) or --all");
  const Device device = setup_device(options.device, options.threads);
  const DType dtype = dtype_named(options.dtype);
  const autograd::BenchSize size =
      options.size == "small" ? autograd::BenchSize::Small : autograd::BenchSize::Large;
  const std::vector<const autograd::OpEntry*> selected = autograd::find_op_entries(options.ops);
  const autograd::BenchOptions timing{.repetitions = options.repetitions,
                                      .min_time = options.min_time};
  const autograd::MachineCeilings ceilings = autograd::measure_ceilings(device, timing);
  std::printf("kiln bench on %s, %s, %s sizes, %d threads; median of %d rounds\n",
              device.str().c_str(), options.dtype.c_str(), options.size.c_str(), num_threads(),
              options.repetitions);
  if (ceilings.fma_gflops > 0) {
    std::printf("ceilings measured now: FMA peak %.1f GFLOP/s, copy %.1f GB/s\n",
                ceilings.fma_gflops, ceilings.copy_gbytes_per_second);
  } else {
    std::printf("ceilings measured now: copy %.1f GB/s\n", ceilings.copy_gbytes_per_second);
  }
  std::printf("%-28s %-40s %12s %16s %16s\n", "op", "sample", "time", "GFLOP/s (peak)",
              "GB/s (copy)");
  int unsupported = 0;
  for (const auto* entry : selected) {
    const OpBenchmark bench = autograd::bench_op(*entry, device, dtype, size, timing);
    if (!bench.unsupported.empty()) ++unsupported;
    print_benchmark(bench, ceilings);
  }
  std::printf("\n%zu ops timed, %d unsupported on %s\n", selected.size() - unsupported, unsupported,
              device.str().c_str());
  return 0;
}

}  // namespace kiln::tools
