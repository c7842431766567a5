// kiln train tsp: a TSP policy (models/tsp_policies.h) trained on random Euclidean TSP
// instances, with progress, a metrics row and a checkpoint after every epoch (the greedy
// tours' average length on Kool's validation instances and its gap to the reference
// baseline's, the rollout baseline's test), exact resumption with --resume, and Ctrl-C saving
// a checkpoint before it exits. DIR also gets run.json, steps.csv and, after every epoch,
// examples.json: the first validation instances' greedy tours beside the reference baseline's.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "autograd/anomaly_mode.h"
#include "models/tasks/tsp_baselines.h"
#include "models/tasks/tsp_instances.h"
#include "models/tsp_policies.h"
#include "tensor/parallel.h"
#include "tools/csv_log.h"
#include "tools/divergence_checks.h"
#include "tools/interrupt.h"
#include "tools/progress.h"
#include "tools/run_directory.h"
#include "tools/run_examples.h"
#include "tools/run_record.h"
#include "tools/tsp_training_run.h"
#include "tools/validators.h"

namespace kiln::tools {

CLI::App* add_train_tsp_command(CLI::App& train, TspTrainOptions& o) {
  CLI::App* tsp = train.add_subcommand(
      "tsp",
      "Train a routing model by REINFORCE on random Euclidean TSP instances (Kool et al. "
      "2019's recipe by default); the greedy tours' average length on the validation set of "
      "seed 4321 is measured after every epoch");
  tsp->add_option("--model", o.model,
                  "am (the attention model, Kool et al. 2019), bello (the pointer network with "
                  "a glimpse and its critic, Bello et al. 2016) or pointer (the pointer network "
                  "of Vinyals et al. 2015, supervised on exact tours up to 13 nodes, else on "
                  "farthest insertion + 2-opt)")
      ->check(CLI::IsMember(models::tsp_policy_kinds()))
      ->capture_default_str();
  tsp->add_option("--nodes", o.nodes, "Nodes per instance")
      ->check(CLI::Range(int64_t{2}, int64_t{1000}))
      ->capture_default_str();
  tsp->add_option("--epochs", o.epochs, "Epochs to train (more extends a resumed run)")
      ->check(kPositive)
      ->capture_default_str()
      ->each([&o](const std::string&) { o.epochs_given = true; });
  tsp->add_option("--epoch-size", o.epoch_size, "Instances per epoch")
      ->check(kPositive)
      ->capture_default_str();
  tsp->add_option("--batch-size", o.batch_size, "Instances per step")
      ->check(kPositive)
      ->capture_default_str();
  tsp->add_option("--lr", o.lr, "Adam's learning rate")->check(kPositive)->capture_default_str();
  tsp->add_option("--lr-decay", o.lr_decay, "The rate is lr * lr_decay^epoch")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  tsp->add_option("--clip", o.clip, "Clip the gradients' total norm to this (0: no clipping)")
      ->check(kNonNegative)
      ->capture_default_str();
  tsp->add_option("--baseline", o.baseline,
                  "REINFORCE's baseline: rollout (greedy tours of a frozen copy, replaced when "
                  "a paired t-test says the policy is better), exponential (a moving average "
                  "of the cost) or critic (bello's LSTM critic); default: rollout for am, "
                  "critic for bello")
      ->check(CLI::IsMember({"rollout", "exponential", "critic"}));
  tsp->add_option("--lr-critic", o.lr_critic, "Adam's learning rate for the critic")
      ->check(kPositive)
      ->capture_default_str();
  tsp->add_option("--exp-beta", o.exp_beta, "The exponential baseline's decay")
      ->check(CLI::Range(0.0, 0.999999))
      ->capture_default_str();
  tsp->add_option("--bl-alpha", o.bl_alpha, "The rollout baseline's significance level")
      ->check(CLI::Range(1e-9, 0.5))
      ->capture_default_str();
  tsp->add_option("--bl-warmup-epochs", o.bl_warmup_epochs,
                  "Epochs on the exponential baseline before the rollout one")
      ->check(kNonNegative)
      ->capture_default_str();
  tsp->add_option("--val-size", o.val_size,
                  "Validation instances (and the rollout baseline's test instances)")
      ->check(CLI::Range(int64_t{2}, models::kTspSetSize))
      ->capture_default_str();
  tsp->add_option("--embedding-dim", o.embedding_dim, "Model width")
      ->check(kPositive)
      ->capture_default_str();
  tsp->add_option("--layers", o.layers, "am: encoder layers")
      ->check(kPositive)
      ->capture_default_str();
  tsp->add_option("--heads", o.heads, "am: attention heads")
      ->check(kPositive)
      ->capture_default_str();
  tsp->add_option("--hidden-dim", o.hidden_dim, "bello, pointer: the LSTMs' hidden size")
      ->check(kPositive)
      ->capture_default_str();
  tsp->add_option("--seed", o.seed, "Seed for initialisation, data and sampling")
      ->capture_default_str();
  tsp->add_option("--device", o.device, "cpu or cuda:N")->capture_default_str();
  tsp->add_option("--threads", o.threads, "CPU threads (default: all cores)")->check(kPositive);
  tsp->add_option("--out", o.out, "Run directory (default: runs/tspNODES-MODEL)");
  tsp->add_flag("--resume", o.resume, "Continue the run in --out exactly where it stopped");
  tsp->add_flag("--detect-anomaly", o.detect_anomaly, kDetectAnomalyHelp);
  tsp->add_option("--stop-at-step", o.stop_at_step,
                  "Save a checkpoint and stop once the run reaches this step; --resume "
                  "continues it as if it had not stopped")
      ->check(kPositive);
  tsp->add_option("--stop-at-epoch", o.stop_at_epoch,
                  "Save a checkpoint and stop after this epoch; --resume continues it as if "
                  "it had not stopped (kiln sweep pauses its trials so)")
      ->check(kPositive);
  return tsp;
}

namespace {

using Clock = std::chrono::steady_clock;

// Validation instances drawn in examples.json after every epoch.
constexpr int64_t kExampleInstances = 3;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct EpochRow {
  int64_t epoch, step;
  double loss, cost, baseline, validation_length, validation_gap, lr, instances_per_second, seconds;
  std::optional<models::RolloutBaseline::EpochResult> test;
};

constexpr const char* kMetricsHeader =
    "epoch,step,loss,cost,baseline,validation_length,validation_gap,candidate_length,"
    "baseline_length,baseline_p_value,baseline_updated,lr,instances_per_second,seconds";

// One row of DIR/metrics.csv.
std::string metrics_row(const EpochRow& r) {
  char row[512];
  const bool tested = r.test && r.test->test;
  std::snprintf(row, sizeof row, "%lld,%lld,%.6f,%.6f,%.6f,%.6f,%.6f,%s,%s,%s,%d,%.6g,%.1f,%.2f",
                static_cast<long long>(r.epoch), static_cast<long long>(r.step), r.loss, r.cost,
                r.baseline, r.validation_length, r.validation_gap,
                r.test ? std::to_string(r.test->candidate_mean).c_str() : "",
                r.test ? std::to_string(r.test->baseline_mean).c_str() : "",
                tested ? std::to_string(r.test->test->p_one_sided).c_str() : "",
                r.test && r.test->updated ? 1 : 0, r.lr, r.instances_per_second, r.seconds);
  return row;
}

std::string epoch_summary(const EpochRow& r, int64_t epochs) {
  char line[512];
  std::snprintf(line, sizeof line,
                "epoch %lld/%lld  cost %.4f  baseline %.4f  validation (greedy) %.4f, gap %.2f%%  "
                "lr %.2e  %.0f inst/s  %s elapsed",
                static_cast<long long>(r.epoch), static_cast<long long>(epochs), r.cost, r.baseline,
                r.validation_length, 100 * r.validation_gap, r.lr, r.instances_per_second,
                format_duration(r.seconds).c_str());
  std::string summary = line;
  if (r.test) {
    std::snprintf(line, sizeof line, "; rollout baseline: policy %.4f vs frozen %.4f%s%s",
                  r.test->candidate_mean, r.test->baseline_mean,
                  r.test->test ? (", p " + std::to_string(r.test->test->p_one_sided)).c_str() : "",
                  r.test->updated ? ", replaced" : ", kept");
    summary += line;
  }
  return summary;
}

}  // namespace

int run_train_tsp(TspTrainOptions o) {
  const Device device = setup_device(o.device, o.threads);
  const DetectAnomalyGuard anomaly(o.detect_anomaly);
  TspTrainingRun run(o, device);
  const CsvLog metrics(run.directory() / kMetricsFile, kMetricsHeader, run.epoch());
  write_run_record(run.directory(), "tsp", run.resolved_config(), machine_json(), o.resume);
  Progress progress(stdout, "inst");
  progress.message(
      "kiln train tsp: " + o.model + " with " + std::to_string(run.model().parameter_count()) +
      " parameters on " + device.str() + ", " + std::to_string(num_threads()) + " threads; TSP" +
      std::to_string(o.nodes) + ", " + std::to_string(o.epochs) + " epochs of " +
      std::to_string(o.steps_per_epoch()) + " steps of " + std::to_string(o.batch_size) +
      " instances, " + (o.baseline == "none" ? "supervised" : o.baseline + " baseline") +
      (o.resume ? "; resumed at step " + std::to_string(run.step()) : ""));
  const Tensor validation_set = models::tsp_validation_set(o.nodes).narrow(0, 0, o.val_size);
  const Tensor validation = validation_set.to(kFloat32).to(device);
  // The validation gap is to the reference baseline's tours on the same instances.
  const models::TspBaseline reference = models::tsp_reference_baseline(o.nodes);
  const models::TspSolutions reference_tours = models::solve_tsp(validation_set, reference);
  const double reference_length = reference_tours.lengths.mean().item<double>();
  const int64_t shown = std::min(kExampleInstances, o.val_size);
  const TourSet shown_reference{reference.name, reference_tours.tours.narrow(0, 0, shown),
                                reference_tours.lengths.narrow(0, 0, shown)};
  progress.message("validation: " + std::to_string(o.val_size) +
                   " instances of seed 4321; the gap is to " + reference.name + "'s " +
                   std::to_string(reference_length));
  const InterruptRequest interrupt;
  const Clock::time_point started =
      Clock::now() - std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(run.progress().elapsed));
  const int64_t steps = o.steps_per_epoch();
  while (run.step() < run.total_steps()) {
    const int64_t epoch = run.epoch() + 1;
    progress.start_epoch(epoch, o.epochs, steps);
    const auto epoch_clock = Clock::now();
    const int64_t first_step = run.step();
    while (run.step() < epoch * steps) {
      if (interrupt.requested() ||
          stop_requested(o.stop_at_step, o.stop_at_epoch, run.step(), steps)) {
        run.progress().elapsed = seconds_since(started);
        run.save();
        progress.message((interrupt.requested() ? "interrupted" : "stopped") +
                         std::string(" at step ") + std::to_string(run.step()) +
                         "; checkpoint saved to " + run.checkpoint_file() +
                         "; continue with: kiln train tsp --out " + o.out + " --resume");
        return interrupt.requested() ? 130 : 0;
      }
      run.train_step();
      const TspEpochProgress& p = run.progress();
      progress.update(run.step() - (epoch - 1) * steps, p.loss / static_cast<double>(p.steps),
                      static_cast<double>((run.step() - first_step) * o.batch_size) /
                          std::max(seconds_since(epoch_clock), 1e-9));
    }
    const TspEpochProgress p = run.progress();
    const double count = static_cast<double>(std::max<int64_t>(p.steps, 1));
    const double validation_length =
        models::greedy_tour_lengths(run.model(), validation).mean().item<double>();
    EpochRow row{
        .epoch = epoch,
        .step = run.step(),
        .loss = p.loss / count,
        .cost = p.cost / count,
        .baseline = p.baseline / count,
        .validation_length = validation_length,
        .validation_gap = validation_length / reference_length - 1,
        .lr = run.lr(),
        .instances_per_second = static_cast<double>((run.step() - first_step) * o.batch_size) /
                                std::max(seconds_since(epoch_clock), 1e-9),
        .seconds = 0,
        .test = std::nullopt};
    row.test = run.end_epoch();
    row.seconds = run.progress().elapsed = seconds_since(started);
    write_run_examples(
        run.directory(),
        {.epoch = epoch,
         .forecasts = {},
         .tours = tsp_examples(run.model(), validation_set.narrow(0, 0, shown), shown_reference),
         .sequences = {}});
    metrics.append({metrics_row(row)});
    progress.end_epoch(epoch_summary(row, o.epochs));
    run.save();
  }
  progress.message("final: checkpoint " + run.checkpoint_file() + " after " +
                   std::to_string(run.step()) + " steps in " +
                   format_duration(run.progress().elapsed) +
                   "; evaluate with: kiln eval tsp --out " + o.out);
  return 0;
}

}  // namespace kiln::tools
