// kiln eval tsp: a trained attention model's tours on Kool et al.'s test set (the 10,000
// instances of seed 1234), decoded as models/tsp_decoders.h describes; prints the average
// length, the gap to the optimum the paper reports and the time, and saves the tours (and
// their lengths) in the run directory for reports.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "models/tasks/tsp_baselines.h"
#include "models/tasks/tsp_instances.h"
#include "models/tasks/tsp_paper_figures.h"
#include "models/tsp_decoders.h"
#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/safetensors.h"
#include "tools/run_directory.h"
#include "tools/tsp_svg.h"
#include "tools/tsp_training_run.h"
#include "tools/validators.h"

namespace kiln::tools {

CLI::App* add_eval_tsp_command(CLI::App& eval, TspEvalOptions& o) {
  CLI::App* tsp = eval.add_subcommand(
      "tsp", "Decode a trained routing model's tours on the TSP test set of seed 1234");
  tsp->add_option("--out", o.run.out, "The run directory (its checkpoint.safetensors)");
  tsp->add_option("--checkpoint", o.run.checkpoint, "A checkpoint file instead of --out");
  tsp->add_option("--decode", o.decode,
                  "greedy, sample:K (the shortest of K sampled tours), beam:W (beam search) or "
                  "multistart (greedy from every node), then optionally +aug8 (also the 8 "
                  "symmetric images of each instance) and +2opt (each tour improved by 2-opt)")
      ->capture_default_str();
  tsp->add_option("--instances", o.instances, "Test instances to decode (the first ones)")
      ->check(CLI::Range(int64_t{1}, models::kTspSetSize))
      ->capture_default_str();
  tsp->add_option("--seed", o.seed, "Seed for sampling")->capture_default_str();
  tsp->add_option("--svg", o.svg,
                  "Draw the first instances with the model's and the best baseline's tours in "
                  "this SVG file");
  tsp->add_option("--svg-instances", o.svg_instances, "Instances drawn by --svg")
      ->check(CLI::Range(int64_t{1}, int64_t{64}))
      ->capture_default_str();
  tsp->add_option("--device", o.run.device, "cpu or cuda:N")->capture_default_str();
  tsp->add_option("--threads", o.run.threads, "CPU threads (default: all cores)")->check(kPositive);
  return tsp;
}

namespace {

double average(const Tensor& lengths) {
  return lengths.to(kFloat64).mean().item<double>();
}

void save_tours(const std::filesystem::path& file, const Tensor& tours, const Tensor& lengths) {
  save_safetensors(file.string(), {{"tours", tours}, {"lengths", lengths}});
}

// The first `count` instances with both tour sets, as an SVG file.
void draw(const std::string& path, const Tensor& instances, int64_t count,
          std::vector<TourSet> sets) {
  count = std::min(count, instances.size(0));
  for (TourSet& set : sets) {
    set.tours = set.tours.narrow(0, 0, count);
    set.lengths = set.lengths.narrow(0, 0, count);
  }
  write_file_atomically(path, tours_svg(instances.narrow(0, 0, count), sets));
}

}  // namespace

int run_eval_tsp(const TspEvalOptions& o) {
  const Device device = setup_device(o.run.device, o.run.threads);
  const models::TspDecodeSpec spec = models::TspDecodeSpec::parse(o.decode);
  const std::string path = checkpoint_path(o.run);
  const auto model = load_trained_tsp_model(path, device);
  const int64_t nodes = read_checkpoint_extra(path).at("tsp_settings").at("nodes");
  const Tensor instances = models::tsp_test_set(nodes).narrow(0, 0, o.instances);
  const auto start = std::chrono::steady_clock::now();
  const models::DecodedTours decoded = models::decode_tsp(*model, instances, spec, o.seed);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  models::check_tours(decoded.tours, nodes);
  const models::TspBaseline baseline = models::tsp_reference_baseline(nodes);
  const models::TspSolutions reference = models::solve_tsp(instances, baseline);
  std::string gap;
  if (const auto optimal = models::kool_2019_average_length("optimal", nodes)) {
    char text[96];
    std::snprintf(text, sizeof text, ", gap %.2f%% to the optimum %.2f (Kool et al. 2019)",
                  100 * (average(decoded.lengths) / *optimal - 1), *optimal);
    gap = text;
  }
  std::printf("tsp%lld test set (seed 1234, %lld instances), %s: average length %.4f%s, %.1f s\n",
              static_cast<long long>(nodes), static_cast<long long>(o.instances),
              spec.str().c_str(), average(decoded.lengths), gap.c_str(), seconds);
  std::printf("%s on the same instances: %.4f (the model is %.2f%% %s)\n", baseline.name.c_str(),
              average(reference.lengths),
              100 * std::abs(average(decoded.lengths) / average(reference.lengths) - 1),
              average(decoded.lengths) <= average(reference.lengths) ? "shorter" : "longer");
  // File names keep to letters, digits, '+' and '_'.
  std::string name = spec.str();
  std::replace(name.begin(), name.end(), ':', '_');
  if (!o.run.out.empty()) {
    const std::filesystem::path directory(o.run.out);
    save_tours(directory / ("tours_" + name + ".safetensors"), decoded.tours, decoded.lengths);
    save_tours(directory / ("tours_" + baseline.name + ".safetensors"), reference.tours,
               reference.lengths);
  }
  if (!o.svg.empty())
    draw(o.svg, instances, o.svg_instances,
         {{"model (" + spec.str() + ")", decoded.tours, decoded.lengths},
          {baseline.name, reference.tours, reference.lengths}});
  return 0;
}

}  // namespace kiln::tools
