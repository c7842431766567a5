// kiln train: trains a reference model on a synthetic task, with a progress bar, metrics
// appended to DIR/metrics.csv, a checkpoint in DIR after every epoch (atomic), exact
// resumption with --resume, and Ctrl-C saving a checkpoint before it exits. DIR also gets
// run.json, steps.csv and, after every epoch, examples.json (tools/run_record.h,
// tools/run_examples.h).
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "autograd/anomaly_mode.h"
#include "tensor/error.h"
#include "tensor/parallel.h"
#include "tools/csv_log.h"
#include "tools/divergence_checks.h"
#include "tools/interrupt.h"
#include "tools/progress.h"
#include "tools/run_directory.h"
#include "tools/run_examples.h"
#include "tools/run_record.h"
#include "tools/training_run.h"
#include "tools/validators.h"

namespace kiln::tools {

namespace {

constexpr const char* kMetricsHeader =
    "epoch,step,loss,heldout_exact_match,heldout_token_accuracy,lr,tokens_per_second,seconds";

// One row of DIR/metrics.csv.
std::string metrics_row(int64_t epoch, int64_t step, double loss, const Scores& scores, double lr,
                        double tokens_per_second, double seconds) {
  char row[256];
  std::snprintf(row, sizeof row, "%lld,%lld,%.6f,%.4f,%.4f,%.6g,%.1f,%.2f",
                static_cast<long long>(epoch), static_cast<long long>(step), loss,
                scores.exact_match, scores.token_accuracy, lr, tokens_per_second, seconds);
  return row;
}

}  // namespace

CLI::App* add_train_command(CLI::App& app, TrainOptions& o) {
  CLI::App* train = app.add_subcommand(
      "train",
      "Train a reference model on a synthetic sequence task (held-out exact match and token "
      "accuracy are measured after every epoch)");
  train->add_option("task", o.task, "copy, reverse, sort, add, selective_copy or induction")
      ->check(CLI::IsMember(models::SequenceTask::names()));
  train
      ->add_option("--model", o.model, "transformer (encoder-decoder), gpt or mamba (decoder-only)")
      ->check(CLI::IsMember(SequenceModel::kinds()))
      ->capture_default_str();
  train->add_option("--epochs", o.epochs, "Epochs to train (more extends a resumed run)")
      ->check(kPositive)
      ->capture_default_str()
      ->each([&o](const std::string&) { o.epochs_given = true; });
  train->add_option("--steps-per-epoch", o.steps_per_epoch, "Batches per epoch")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--batch-size", o.batch_size, "Sequences per batch")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--lr", o.lr, "Peak learning rate (AdamW; linear warmup, then cosine)")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--seed", o.seed, "Seed for initialisation, data and dropout")
      ->capture_default_str();
  train->add_option("--device", o.device, "cpu or cuda:N")->capture_default_str();
  train->add_option("--threads", o.threads, "CPU threads (default: all cores)")->check(kPositive);
  train->add_option("--out", o.out,
                    "Run directory for checkpoints and metrics "
                    "(default: runs/TASK-MODEL)");
  train->add_flag("--resume", o.resume, "Continue the run in --out exactly where it stopped");
  train->add_flag("--detect-anomaly", o.detect_anomaly, kDetectAnomalyHelp);
  train->add_option("--min-length", o.min_length, "Shortest sequence (digits per operand for add)")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--max-length", o.max_length, "Longest sequence")
      ->check(kPositive)
      ->capture_default_str();
  train
      ->add_option("--base", o.base,
                   "Digits are 0 .. base-1 (selective_copy, induction: the data symbols)")
      ->check(CLI::Range(2, 64))
      ->capture_default_str();
  train
      ->add_option("--length", o.length,
                   "selective_copy, induction: tokens per sequence, the queries at its end "
                   "included")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--data-tokens", o.data_tokens, "selective_copy: the symbols to copy")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--d-model", o.d_model, "Model width")->check(kPositive)->capture_default_str();
  train->add_option("--heads", o.heads, "Attention heads")->check(kPositive)->capture_default_str();
  train->add_option("--layers", o.layers, "Layers (per stack for the transformer)")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--d-state", o.d_state, "mamba: the state size per channel")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--d-conv", o.d_conv, "mamba: the causal convolution's width")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--expand", o.expand, "mamba: inner channels per model channel")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--dropout", o.dropout, "Dropout probability")
      ->check(CLI::Range(0.0, 0.9))
      ->capture_default_str();
  train->add_option("--eval-size", o.eval_size, "Held-out sequences scored after each epoch")
      ->check(kPositive)
      ->capture_default_str();
  train
      ->add_option("--target-accuracy", o.target_accuracy,
                   "Stop once the held-out metric (token accuracy for selective_copy, else "
                   "exact match) reaches this; exit with status 3 if the run ends below it "
                   "(0: train every epoch, no target)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  train->add_option("--clip", o.clip, "Clip the gradients' total norm to this (0: no clipping)")
      ->check(kNonNegative)
      ->capture_default_str();
  train->add_option("--beta1", o.recipe.beta1, "AdamW's beta1")
      ->check(CLI::Range(0.0, 0.999999))
      ->capture_default_str();
  train->add_option("--beta2", o.recipe.beta2, "AdamW's beta2")
      ->check(CLI::Range(0.0, 0.999999))
      ->capture_default_str();
  train->add_option("--weight-decay", o.recipe.weight_decay, "AdamW's decoupled weight decay")
      ->check(kNonNegative)
      ->capture_default_str();
  train
      ->add_option("--warmup-steps", o.recipe.warmup_steps,
                   "Steps of linear warmup (0: a tenth of the run, at most 200)")
      ->check(kNonNegative)
      ->capture_default_str();
  train
      ->add_option("--warmup-start-factor", o.recipe.warmup_start_factor,
                   "The rate warmup starts from, as a fraction of --lr")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  train
      ->add_option("--final-lr-ratio", o.recipe.final_lr_ratio,
                   "The rate cosine decay ends at, as a fraction of --lr")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  train
      ->add_option("--stop-at-step", o.stop_at_step,
                   "Save a checkpoint and stop once the run reaches this step; --resume "
                   "continues it as if it had not stopped")
      ->check(kPositive);
  train
      ->add_option("--stop-at-epoch", o.stop_at_epoch,
                   "Save a checkpoint and stop after this epoch; --resume continues it as if "
                   "it had not stopped (kiln sweep pauses its trials so)")
      ->check(kPositive);
  return train;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

// The run's first lines: what trains, where, for how long; then the model's tree.
void print_header(const TrainOptions& o, TrainingRun& run, Device device, Progress& progress) {
  const int64_t parameters = run.model().module().parameter_count();
  progress.message("kiln train " + o.task + ": " + o.model + " with " + std::to_string(parameters) +
                   " parameters on " + device.str() + ", " + std::to_string(num_threads()) +
                   " threads; " + std::to_string(o.epochs) + " epochs of " +
                   std::to_string(o.steps_per_epoch) + " steps, batch " +
                   std::to_string(o.batch_size) +
                   (o.resume ? "; resumed at step " + std::to_string(run.step()) : ""));
  std::printf("%s", run.model().module().summary().c_str());
}

// Saves where the run stands and says how to continue; the exit status.
int stop(const TrainOptions& o, TrainingRun& run, Progress& progress, bool interrupted) {
  run.save();
  progress.message((interrupted ? "interrupted" : "stopped") + std::string(" at step ") +
                   std::to_string(run.step()) + "; checkpoint saved to " + run.checkpoint_file() +
                   "; continue with: kiln train " + o.task + " --out " + o.out + " --resume");
  return interrupted ? 130 : 0;
}

// After an epoch: held-out scores and examples, a metrics row, the summary line and a
// checkpoint. `started` is when the run would have started had it never stopped.
void end_epoch(const TrainOptions& o, TrainingRun& run, const CsvLog& metrics, int64_t epoch,
               double throughput, const std::vector<models::Example>& held_out, Device device,
               Clock::time_point started, Progress& progress) {
  EpochProgress& p = run.progress();
  run.model().module().eval();
  p.scores = run.model().score(held_out, device);
  write_run_examples(run.directory(),
                     {.epoch = epoch,
                      .forecasts = {},
                      .tours = {},
                      .sequences = sequence_examples(run.model(), held_out, device)});
  run.model().module().train();
  p.elapsed = seconds_between(started, Clock::now());
  const double mean_loss = p.loss / static_cast<double>(p.steps);
  const double lr = run.optimizer().lr(0);
  metrics.append({metrics_row(epoch, run.step(), mean_loss, p.scores, lr, throughput, p.elapsed)});
  char summary[256];
  std::snprintf(summary, sizeof summary,
                "epoch %lld/%lld  loss %.4f  held-out exact match %.4f  token accuracy %.4f  "
                "lr %.2e  %.0f tok/s  %s elapsed",
                static_cast<long long>(epoch), static_cast<long long>(o.epochs), mean_loss,
                p.scores.exact_match, p.scores.token_accuracy, lr, throughput,
                format_duration(p.elapsed).c_str());
  progress.end_epoch(summary);
  p.loss = 0;
  p.tokens = 0;
  p.steps = 0;
  run.save();
}

}  // namespace

int run_train(TrainOptions o) {
  const Device device = setup_device(o.device, o.threads);
  const DetectAnomalyGuard anomaly(o.detect_anomaly);
  TrainingRun run(o, device);
  const CsvLog metrics(run.directory() / kMetricsFile, kMetricsHeader,
                       run.step() / o.steps_per_epoch);
  write_run_record(run.directory(), "sequence", run.resolved_config(), machine_json(), o.resume);
  Progress progress(stdout);
  print_header(o, run, device, progress);
  Generator eval_seed(o.seed * 2 + 2);
  const std::vector<models::Example> held_out =
      run.model().task().samples(eval_seed, o.eval_size, true);

  const InterruptRequest interrupt;
  const Clock::time_point started =
      Clock::now() - std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(run.progress().elapsed));
  bool reached = false;
  run.model().module().train();
  while (run.step() < run.total_steps()) {
    const int64_t epoch = run.step() / o.steps_per_epoch + 1;
    progress.start_epoch(epoch, o.epochs, o.steps_per_epoch);
    const auto epoch_clock = Clock::now();
    const int64_t tokens_before = run.progress().tokens;
    const auto throughput = [&] {
      return static_cast<double>(run.progress().tokens - tokens_before) /
             std::max(seconds_between(epoch_clock, Clock::now()), 1e-9);
    };
    while (run.step() < epoch * o.steps_per_epoch) {
      if (interrupt.requested() ||
          stop_requested(o.stop_at_step, o.stop_at_epoch, run.step(), o.steps_per_epoch)) {
        run.progress().elapsed = seconds_between(started, Clock::now());
        return stop(o, run, progress, interrupt.requested());
      }
      run.train_step();
      progress.update(run.step() - (epoch - 1) * o.steps_per_epoch,
                      run.progress().loss / static_cast<double>(run.progress().steps),
                      throughput());
    }
    end_epoch(o, run, metrics, epoch, throughput(), held_out, device, started, progress);
    if (o.target_accuracy > 0 &&
        run.progress().scores.headline(run.model().task()) >= o.target_accuracy) {
      reached = true;
      break;
    }
  }
  char final_line[256];
  std::snprintf(final_line, sizeof final_line,
                "final: held-out exact match %.4f, token accuracy %.4f on %lld sequences after "
                "%lld steps in %s; checkpoint %s",
                run.progress().scores.exact_match, run.progress().scores.token_accuracy,
                static_cast<long long>(o.eval_size), static_cast<long long>(run.step()),
                format_duration(run.progress().elapsed).c_str(), run.checkpoint_file().c_str());
  progress.message(final_line);
  if (o.target_accuracy > 0 && !reached) {
    progress.message("target accuracy " + std::to_string(o.target_accuracy) + " not reached");
    return 3;
  }
  return 0;
}

}  // namespace kiln::tools
