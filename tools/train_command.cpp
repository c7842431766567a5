// kiln train: trains a reference model on a synthetic task, with a progress bar, metrics
// appended to DIR/metrics.csv, a checkpoint in DIR after every epoch (atomic), exact
// resumption with --resume, and Ctrl-C saving a checkpoint before it exits.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "autograd/functions.h"
#include "optim/adam.h"
#include "optim/checkpoint.h"
#include "optim/clip_grad.h"
#include "optim/lr_scheduler.h"
#include "tensor/error.h"
#include "tensor/parallel.h"
#include "tools/progress.h"
#include "tools/run_directory.h"
#include "tools/validators.h"

namespace kiln::tools {

namespace {

std::atomic<bool> interrupted = false;

// The first Ctrl-C asks the loop to save and stop; a second one ends the process at once.
void on_interrupt(int) {
  interrupted = true;
  std::signal(SIGINT, SIG_DFL);
}

nlohmann::json settings_json(const TrainOptions& o) {
  return {{"epochs", o.epochs},
          {"steps_per_epoch", o.steps_per_epoch},
          {"batch_size", o.batch_size},
          {"lr", o.lr},
          {"seed", o.seed},
          {"eval_size", o.eval_size},
          {"target_accuracy", o.target_accuracy},
          {"clip", o.clip}};
}

void apply_settings(const nlohmann::json& json, TrainOptions& o) {
  const int64_t epochs = o.epochs;
  o.epochs = json.at("epochs");
  o.steps_per_epoch = json.at("steps_per_epoch");
  o.batch_size = json.at("batch_size");
  o.lr = json.at("lr");
  o.seed = json.at("seed");
  o.eval_size = json.at("eval_size");
  o.target_accuracy = json.at("target_accuracy");
  o.clip = json.at("clip");
  if (o.epochs_given) o.epochs = epochs;
}

// Appends one row to DIR/metrics.csv, writing the header to a new file.
void append_metrics(const std::filesystem::path& file, int64_t epoch, int64_t step, double loss,
                    double accuracy, double lr, double tokens_per_second, double seconds) {
  const bool fresh = !std::filesystem::exists(file) || std::filesystem::file_size(file) == 0;
  std::ofstream out(file, std::ios::app);
  KILN_CHECK(out.good(), "cannot append to '", file.string(), "'");
  if (fresh) out << "epoch,step,loss,heldout_exact_match,lr,tokens_per_second,seconds\n";
  char row[256];
  std::snprintf(row, sizeof row, "%lld,%lld,%.6f,%.4f,%.6g,%.1f,%.2f\n",
                static_cast<long long>(epoch), static_cast<long long>(step), loss, accuracy, lr,
                tokens_per_second, seconds);
  out << row;
  KILN_CHECK(out.good(), "cannot append to '", file.string(), "'");
}

}  // namespace

CLI::App* add_train_command(CLI::App& app, TrainOptions& o) {
  CLI::App* train = app.add_subcommand(
      "train",
      "Train a reference model on a synthetic sequence task (held-out exact match is "
      "measured after every epoch)");
  train->add_option("task", o.task, "copy, reverse, sort or add")
      ->required()
      ->check(CLI::IsMember(models::SequenceTask::names()));
  train->add_option("--model", o.model, "transformer (encoder-decoder) or gpt (decoder-only)")
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
  train->add_option("--min-length", o.min_length, "Shortest sequence (digits per operand for add)")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--max-length", o.max_length, "Longest sequence")
      ->check(kPositive)
      ->capture_default_str();
  train->add_option("--base", o.base, "Digits are 0 .. base-1")
      ->check(CLI::Range(2, 64))
      ->capture_default_str();
  train->add_option("--d-model", o.d_model, "Model width")->check(kPositive)->capture_default_str();
  train->add_option("--heads", o.heads, "Attention heads")->check(kPositive)->capture_default_str();
  train->add_option("--layers", o.layers, "Layers (per stack for the transformer)")
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
                   "Stop once held-out exact match reaches this; exit with status 3 if the "
                   "run ends below it (0: train every epoch, no target)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  train->add_option("--clip", o.clip, "Clip the gradients' total norm to this (0: no clipping)")
      ->check(kNonNegative)
      ->capture_default_str();
  train
      ->add_option("--stop-at-step", o.stop_at_step,
                   "Save a checkpoint and stop once the run reaches this step; --resume "
                   "continues it as if it had not stopped")
      ->check(kPositive);
  return train;
}

int run_train(TrainOptions o) {
  const Device device = setup_device(o.device, o.threads);
  if (o.out.empty()) o.out = "runs/" + o.task + "-" + o.model;
  const std::filesystem::path dir(o.out);
  const std::string checkpoint_file = (dir / kCheckpointFile).string();

  nlohmann::json config;
  nlohmann::json saved_extra = nlohmann::json::object();
  bool resized = false;  // resumed with another number of epochs
  if (o.resume) {
    KILN_CHECK(std::filesystem::exists(checkpoint_file), "nothing to resume: no checkpoint at '",
               checkpoint_file, "'");
    saved_extra = read_checkpoint_extra(checkpoint_file);
    config = saved_extra.at("config");
    KILN_CHECK(config.at("task") == o.task, "'", checkpoint_file, "' is a run of task '",
               config.at("task").get<std::string>(), "', not '", o.task, "'");
    apply_settings(saved_extra.at("settings"), o);
    resized = saved_extra.at("settings").at("epochs").get<int64_t>() != o.epochs;
  } else {
    KILN_CHECK(!std::filesystem::exists(checkpoint_file), "'", o.out,
               "' already holds a run; pass --resume to continue it, or choose another --out");
    const models::SequenceTask task(
        o.task, {.min_length = o.min_length, .max_length = o.max_length, .base = o.base});
    config = SequenceModel::make_config(
        o.model, task,
        {.d_model = o.d_model, .heads = o.heads, .layers = o.layers, .dropout = o.dropout});
  }
  std::filesystem::create_directories(dir);

  manual_seed(o.seed);
  SequenceModel model(config);
  model.module().to(device);
  optim::AdamW optimizer(model.module().parameters(),
                         {.lr = o.lr, .beta1 = 0.9, .beta2 = 0.98, .weight_decay = 0.01});
  const int64_t total_steps = o.epochs * o.steps_per_epoch;
  const int64_t warmup = std::max<int64_t>(1, std::min<int64_t>(200, total_steps / 10));
  KILN_CHECK(total_steps > warmup, "train at least ", warmup + 1, " steps, not ", total_steps);
  auto schedule = optim::linear_warmup_cosine(optimizer, warmup, total_steps, 0.01);
  Generator data(o.seed * 2 + 1);

  int64_t step = 0;
  double epoch_loss = 0, elapsed = 0;
  int64_t epoch_tokens = 0, epoch_steps = 0;
  double last_accuracy = saved_extra.value("accuracy", 0.0);
  auto checkpoint = [&](nlohmann::json extra) {
    extra["config"] = config;
    extra["settings"] = settings_json(o);
    extra["epoch_loss"] = epoch_loss;
    extra["epoch_tokens"] = epoch_tokens;
    extra["epoch_steps"] = epoch_steps;
    extra["elapsed"] = elapsed;
    extra["accuracy"] = last_accuracy;
    return optim::Checkpoint{.model = &model.module(),
                             .optimizer = &optimizer,
                             .schedule = schedule.get(),
                             .generators = {{"default", &default_generator()}, {"data", &data}},
                             .step = step,
                             .extra = std::move(extra)};
  };
  if (o.resume) {
    optim::Checkpoint into = checkpoint({});
    if (resized) into.schedule = nullptr;
    optim::load_checkpoint(checkpoint_file, into);
    step = into.step;
    if (resized) {
      // The saved schedule was for the old length (after a finished run its rate is 0): take
      // the schedule of the new length instead, at the step reached.
      for (size_t g = 0; g < optimizer.group_count(); ++g) {
        optimizer.set_lr(g, o.lr);
        optimizer.initial_lr(g).reset();
      }
      schedule = optim::linear_warmup_cosine(optimizer, warmup, total_steps, 0.01);
      for (int64_t k = 0; k < std::min(step, total_steps); ++k) schedule->step();
    }
    epoch_loss = into.extra.at("epoch_loss");
    epoch_tokens = into.extra.at("epoch_tokens");
    epoch_steps = into.extra.at("epoch_steps");
    elapsed = into.extra.at("elapsed");
  }

  Progress progress(stdout);
  const int64_t parameters = model.module().parameter_count();
  progress.message("kiln train " + o.task + ": " + o.model + " with " + std::to_string(parameters) +
                   " parameters on " + device.str() + ", " + std::to_string(num_threads()) +
                   " threads; " + std::to_string(o.epochs) + " epochs of " +
                   std::to_string(o.steps_per_epoch) + " steps, batch " +
                   std::to_string(o.batch_size) +
                   (o.resume ? "; resumed at step " + std::to_string(step) : ""));
  std::printf("%s", model.module().summary().c_str());

  const models::SequenceTask& task = model.task();
  Generator eval_seed(o.seed * 2 + 2);
  const std::vector<models::Example> held_out = task.samples(eval_seed, o.eval_size, true);

  interrupted = false;
  std::signal(SIGINT, on_interrupt);
  const auto started = std::chrono::steady_clock::now() - std::chrono::duration<double>(elapsed);
  auto seconds_so_far = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  bool reached = false;
  model.module().train();
  while (step < total_steps) {
    const int64_t epoch = step / o.steps_per_epoch + 1;
    progress.start_epoch(epoch, o.epochs, o.steps_per_epoch);
    const auto epoch_clock = std::chrono::steady_clock::now();
    const int64_t tokens_before = epoch_tokens;
    while (step < epoch * o.steps_per_epoch) {
      if (interrupted || (o.stop_at_step > 0 && step == o.stop_at_step)) {
        elapsed = seconds_so_far();
        optim::save_checkpoint(checkpoint_file, checkpoint({}));
        std::signal(SIGINT, SIG_DFL);
        progress.message((interrupted ? "interrupted" : "stopped") + std::string(" at step ") +
                         std::to_string(step) + "; checkpoint saved to " + checkpoint_file +
                         "; continue with: kiln train " + o.task + " --out " + o.out + " --resume");
        return interrupted ? 130 : 0;
      }
      int64_t tokens = 0;
      optimizer.zero_grad();
      const Tensor loss = model.loss(task.samples(data, o.batch_size, false), device, tokens);
      loss.backward();
      if (o.clip > 0) optim::clip_grad_norm_(model.module().parameters(), o.clip);
      optimizer.step();
      schedule->step();
      ++step;
      ++epoch_steps;
      epoch_loss += loss.item<double>();
      epoch_tokens += tokens;
      const double epoch_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_clock).count();
      progress.update(
          step - (epoch - 1) * o.steps_per_epoch, epoch_loss / static_cast<double>(epoch_steps),
          static_cast<double>(epoch_tokens - tokens_before) / std::max(epoch_seconds, 1e-9));
    }
    const double epoch_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_clock).count();
    model.module().eval();
    last_accuracy = model.exact_match(held_out, device);
    model.module().train();
    elapsed = seconds_so_far();
    const double mean_loss = epoch_loss / static_cast<double>(epoch_steps);
    const double throughput =
        static_cast<double>(epoch_tokens - tokens_before) / std::max(epoch_seconds, 1e-9);
    append_metrics(dir / kMetricsFile, epoch, step, mean_loss, last_accuracy, optimizer.lr(0),
                   throughput, elapsed);
    char summary[256];
    std::snprintf(summary, sizeof summary,
                  "epoch %lld/%lld  loss %.4f  held-out exact match %.4f  lr %.2e  %.0f tok/s  "
                  "%s elapsed",
                  static_cast<long long>(epoch), static_cast<long long>(o.epochs), mean_loss,
                  last_accuracy, optimizer.lr(0), throughput, format_duration(elapsed).c_str());
    progress.end_epoch(summary);
    epoch_loss = 0;
    epoch_tokens = 0;
    epoch_steps = 0;
    optim::save_checkpoint(checkpoint_file, checkpoint({}));
    if (o.target_accuracy > 0 && last_accuracy >= o.target_accuracy) {
      reached = true;
      break;
    }
  }
  std::signal(SIGINT, SIG_DFL);
  char final_line[256];
  std::snprintf(final_line, sizeof final_line,
                "final: held-out exact match %.4f on %lld sequences after %lld steps in %s; "
                "checkpoint %s",
                last_accuracy, static_cast<long long>(o.eval_size), static_cast<long long>(step),
                format_duration(elapsed).c_str(), checkpoint_file.c_str());
  progress.message(final_line);
  if (o.target_accuracy > 0 && !reached) {
    progress.message("target accuracy " + std::to_string(o.target_accuracy) + " not reached");
    return 3;
  }
  return 0;
}

}  // namespace kiln::tools
