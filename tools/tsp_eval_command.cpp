// kiln eval tsp: a trained attention model's tours on Kool et al.'s test set (the 10,000
// instances of seed 1234), decoded greedily or as the best of K samples; prints the average
// length, the gap to the optimum the paper reports and the time, and saves the tours (and
// their lengths) in the run directory for reports.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "models/tasks/tsp_instances.h"
#include "models/tasks/tsp_paper_figures.h"
#include "tensor/creation.h"
#include "tensor/error.h"
#include "tensor/io/safetensors.h"
#include "tools/run_directory.h"
#include "tools/tsp_training_run.h"
#include "tools/validators.h"

namespace kiln::tools {

CLI::App* add_eval_tsp_command(CLI::App& eval, TspEvalOptions& o) {
  CLI::App* tsp = eval.add_subcommand(
      "tsp", "Decode a trained routing model's tours on the TSP test set of seed 1234");
  tsp->add_option("--out", o.run.out, "The run directory (its checkpoint.safetensors)");
  tsp->add_option("--checkpoint", o.run.checkpoint, "A checkpoint file instead of --out");
  tsp->add_option("--decode", o.decode,
                  "greedy, or sample:K (the shortest of K sampled tours per instance)")
      ->capture_default_str();
  tsp->add_option("--instances", o.instances, "Test instances to decode (the first ones)")
      ->check(CLI::Range(int64_t{1}, models::kTspSetSize))
      ->capture_default_str();
  tsp->add_option("--seed", o.seed, "Seed for sampling")->capture_default_str();
  tsp->add_option("--device", o.run.device, "cpu or cuda:N")->capture_default_str();
  tsp->add_option("--threads", o.run.threads, "CPU threads (default: all cores)")->check(kPositive);
  return tsp;
}

namespace {

// "greedy" -> 0 samples; "sample:K" -> K.
int64_t samples_of(const std::string& decode) {
  if (decode == "greedy") return 0;
  const std::string prefix = "sample:";
  KILN_CHECK(decode.starts_with(prefix), "--decode: expected greedy or sample:K, got '", decode,
             "'");
  const std::string count = decode.substr(prefix.size());
  KILN_CHECK(!count.empty() && count.find_first_not_of("0123456789") == std::string::npos &&
                 std::stoll(count) > 0,
             "--decode: K in sample:K must be a positive integer, got '", count, "'");
  return std::stoll(count);
}

struct DecodedTours {
  Tensor tours, lengths;
};

// The shortest of `samples` sampled tours per instance (greedy when samples is 0), in
// batches of 1024 instances.
DecodedTours decode(models::AttentionModel& model, const Tensor& instances, int64_t samples,
                    uint64_t seed) {
  NoGradGuard no_grad;
  Generator generator(seed);
  const models::DecodeStrategy strategy =
      samples == 0 ? models::DecodeStrategy{}
                   : models::DecodeStrategy{.kind = models::DecodeStrategy::Kind::Sampling,
                                            .generator = &generator};
  std::vector<Tensor> tours, lengths;
  for (int64_t start = 0; start < instances.size(0); start += 1024) {
    const Tensor batch =
        instances.narrow(0, start, std::min<int64_t>(1024, instances.size(0) - start));
    Tensor best_tours, best_lengths;
    for (int64_t draw = 0; draw < std::max<int64_t>(samples, 1); ++draw) {
      const Tensor drawn = model.forward(batch, strategy).tours;
      const Tensor drawn_lengths = models::tour_lengths(batch, drawn);
      if (draw == 0) {
        best_tours = drawn, best_lengths = drawn_lengths;
        continue;
      }
      const Tensor shorter = drawn_lengths.lt(best_lengths);
      best_tours = where(shorter.unsqueeze(1), drawn, best_tours);
      best_lengths = where(shorter, drawn_lengths, best_lengths);
    }
    tours.push_back(best_tours);
    lengths.push_back(best_lengths);
  }
  return {cat(tours, 0), cat(lengths, 0)};
}

}  // namespace

int run_eval_tsp(const TspEvalOptions& o) {
  const Device device = setup_device(o.run.device, o.run.threads);
  const int64_t samples = samples_of(o.decode);
  const std::string path = checkpoint_path(o.run);
  const auto model = load_trained_tsp_model(path, device);
  const int64_t nodes = read_checkpoint_extra(path).at("tsp_settings").at("nodes");
  const Tensor instances =
      models::tsp_test_set(nodes).narrow(0, 0, o.instances).to(kFloat32).to(device);
  const auto start = std::chrono::steady_clock::now();
  const DecodedTours decoded = decode(*model, instances, samples, o.seed);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  models::check_tours(decoded.tours.to(kCPU), nodes);
  const double average = decoded.lengths.to(kFloat64).mean().item<double>();
  std::string gap;
  if (const auto optimal = models::kool_2019_average_length("optimal", nodes)) {
    char text[96];
    std::snprintf(text, sizeof text, ", gap %.2f%% to the optimum %.2f (Kool et al. 2019)",
                  100 * (average / *optimal - 1), *optimal);
    gap = text;
  }
  std::printf("tsp%lld test set (seed 1234, %lld instances), %s: average length %.4f%s, %.1f s\n",
              static_cast<long long>(nodes), static_cast<long long>(o.instances), o.decode.c_str(),
              average, gap.c_str(), seconds);
  if (!o.run.out.empty()) {
    const std::filesystem::path file =
        std::filesystem::path(o.run.out) /
        ("tours_" + o.decode.substr(0, o.decode.find(':')) + ".safetensors");
    save_safetensors(file.string(),
                     {{"tours", decoded.tours.to(kCPU)}, {"lengths", decoded.lengths.to(kCPU)}});
  }
  return 0;
}

}  // namespace kiln::tools
