// kiln baselines tsp: the classic TSP baselines on Kool et al.'s test or validation set. For
// each method: the average tour length, the gap to the optimum (Held-Karp's on the same
// instances when it runs, else the paper's), Kool et al.'s figure for it, and the time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include "models/tasks/tsp_baselines.h"
#include "models/tasks/tsp_instances.h"
#include "models/tasks/tsp_paper_figures.h"
#include "tensor/error.h"
#include "tensor/parallel.h"
#include "tools/commands.h"
#include "tools/validators.h"

namespace kiln::tools {

namespace {

using models::TspBaseline;

// The chosen baselines, held_karp first: the others' gaps are measured against it.
std::vector<TspBaseline> chosen_baselines(const BaselinesOptions& o) {
  std::vector<TspBaseline> baselines;
  if (o.methods.empty()) baselines = models::tsp_baselines(o.nodes);
  for (const std::string& name : o.methods) {
    baselines.push_back(models::tsp_baseline(name, o.nodes));
  }
  std::stable_partition(baselines.begin(), baselines.end(),
                        [](const TspBaseline& b) { return b.name == "held_karp"; });
  return baselines;
}

Tensor chosen_instances(const BaselinesOptions& o) {
  KILN_CHECK(o.instances <= models::kTspSetSize, "--instances: the set holds ", models::kTspSetSize,
             ", not ", o.instances);
  const Tensor set =
      o.set == "test" ? models::tsp_test_set(o.nodes) : models::tsp_validation_set(o.nodes);
  return o.instances > 0 ? set.narrow(0, 0, o.instances) : set;
}

// Kool et al.'s figure for `method`: their table is of the test sets.
std::optional<double> paper_figure(const BaselinesOptions& o, std::string_view method) {
  if (o.set != "test") return std::nullopt;
  return models::kool_2019_average_length(method, o.nodes);
}

std::string fixed(std::optional<double> value, const char* format) {
  if (!value) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, *value);
  return text;
}

// What the gaps are measured against.
std::string gap_reference(bool exact, std::optional<double> paper_optimum) {
  if (exact) return "to held_karp's average on the same instances";
  if (paper_optimum) {
    return "to the optimum of Kool et al. 2019, Table 1 (" + fixed(paper_optimum, "%.2f") +
           ", on all 10,000)";
  }
  return "none (held_karp solves up to 13 nodes; Kool et al.'s optima are of the n = 20, 50 and "
         "100 test sets)";
}

void print_header(const BaselinesOptions& o, int64_t count, const std::string& gap_reference) {
  const uint32_t seed = o.set == "test" ? models::kTspTestSeed : models::kTspValidationSeed;
  std::printf(
      "kiln baselines tsp: %lld instances of tsp%lld_%s_seed%u (Kool et al. 2019), %d thread%s\n",
      static_cast<long long>(count), static_cast<long long>(o.nodes), o.set.c_str(), seed,
      num_threads(), num_threads() == 1 ? "" : "s");
  std::printf("gap: %s\n", gap_reference.c_str());
  std::printf("%-28s %9s %9s %7s %9s\n", "method", "average", "gap", "paper", "time");
}

}  // namespace

CLI::App* add_baselines_command(CLI::App& app, BaselinesOptions& o) {
  CLI::App* baselines = app.add_subcommand(
      "baselines",
      "Run the classic TSP baselines on the papers' test set: average tour length, gap to the "
      "optimum, the paper's figure and the time of each");
  baselines->add_option("problem", o.problem, "tsp")->required()->check(CLI::IsMember({"tsp"}));
  baselines->add_option("--nodes", o.nodes, "Nodes per instance")
      ->check(number_above(1, false, "at least 2"))
      ->capture_default_str();
  baselines->add_option("--set", o.set, "test (seed 1234) or validation (seed 4321)")
      ->check(CLI::IsMember({"test", "validation"}))
      ->capture_default_str();
  baselines
      ->add_option("--instances", o.instances,
                   "Solve the set's first K instances (default: all 10,000)")
      ->check(kPositive);
  baselines
      ->add_option("--methods", o.methods,
                   "Baselines to run (default: all that fit: held_karp up to 13 nodes, "
                   "nearest_neighbour, nearest_insertion, farthest_insertion, "
                   "random_insertion, each also +2opt and +oropt)")
      ->delimiter(',');
  baselines->add_option("--threads", o.threads, "CPU threads (default: all cores)")
      ->check(kPositive);
  return baselines;
}

int run_baselines(const BaselinesOptions& o) {
  if (o.threads > 0) set_num_threads(o.threads);
  const std::vector<TspBaseline> baselines = chosen_baselines(o);
  const Tensor instances = chosen_instances(o);
  std::optional<double> optimum = paper_figure(o, "optimal");
  const bool exact = !baselines.empty() && baselines.front().name == "held_karp";
  print_header(o, instances.size(0), gap_reference(exact, optimum));
  for (const TspBaseline& baseline : baselines) {
    const auto start = std::chrono::steady_clock::now();
    const double average = models::solve_tsp(instances, baseline).lengths.mean().item<double>();
    const std::chrono::duration<double> time = std::chrono::steady_clock::now() - start;
    if (baseline.name == "held_karp") optimum = average;
    const std::optional<double> gap =
        optimum ? std::optional(100 * (average / *optimum - 1)) : std::nullopt;
    std::printf("%-28s %9.4f %9s %7s %7.2f s\n", baseline.name.c_str(), average,
                fixed(gap, "%.2f%%").c_str(), fixed(paper_figure(o, baseline.name), "%.2f").c_str(),
                time.count());
  }
  return 0;
}

}  // namespace kiln::tools
