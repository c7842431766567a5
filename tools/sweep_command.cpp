// kiln sweep SPEC.json: a hyperparameter search over `kiln train` options. The spec is checked
// whole (its fields, every trial's arguments against kiln's own parser, a forecaster's
// hyperparameters) before anything is written; the trials run as kiln processes under ASHA; at the
// end the ranked table, the best trial's command line and a report.
#include <cstdio>
#include <filesystem>
#include <thread>

#include "models/forecast/forecasters.h"
#include "tensor/error.h"
#include "tools/command_line.h"
#include "tools/commands.h"
#include "tools/report/report_page.h"
#include "tools/sweep/search_space.h"
#include "tools/sweep/sweep_runner.h"
#include "tools/validators.h"

namespace kiln::tools {

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o) {
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Search hyperparameters of kiln train: random or grid search with ASHA early stopping, "
      "trials as parallel kiln processes, resumable (docs/sweeps.md)");
  sweep->add_option("spec", o.spec, "The sweep's SPEC.json")->required()->check(CLI::ExistingFile);
  sweep->add_option("--out", o.out, "The sweep directory (default: runs/sweep-NAME)");
  sweep
      ->add_option("--parallel", o.parallel,
                   "Trials at once (default: the cores divided by each trial's threads)")
      ->check(kPositive);
  sweep->add_flag("--resume", o.resume,
                  "Continue the sweep in --out: running trials from their checkpoints, finished "
                  "ones kept");
  sweep->add_flag("--dry-run", o.dry_run,
                  "Check the spec and list the trials it would run; run and write nothing");
  return sweep;
}

namespace {

namespace fs = std::filesystem;
using sweep::SweepJournal;
using sweep::SweepSpec;
using sweep::TrialRecord;

std::string trial_directory(size_t id, size_t trials) {
  const size_t width = std::max<size_t>(3, std::to_string(trials - 1).size());
  const std::string digits = std::to_string(id);
  return "trial-" + std::string(width - std::min(width, digits.size()), '0') + digits;
}

SweepJournal new_journal(const SweepSpec& spec, const std::vector<nlohmann::json>& trials) {
  SweepJournal journal{.spec = spec.json,
                       .metric = spec.metric,
                       .lower_is_better = spec.lower_is_better,
                       .trials = {}};
  for (size_t id = 0; id < trials.size(); ++id)
    journal.trials.push_back({.id = static_cast<int64_t>(id),
                              .directory = trial_directory(id, trials.size()),
                              .parameters = trials[id],
                              .arguments = sweep::trial_arguments(spec, trials[id]),
                              .state = sweep::TrialState::Pending,
                              .reason = "",
                              .rungs = {},
                              .seconds = 0});
  return journal;
}

// A new sweep's journal (every trial's values fixed now, each pending), or with --resume the
// one DIR holds, which must be of the same spec.
SweepJournal open_journal(const SweepOptions& o, const fs::path& directory, const SweepSpec& spec,
                          const std::vector<nlohmann::json>& trials) {
  std::optional<SweepJournal> journal = sweep::read_sweep_journal(directory);
  if (!o.resume) {
    KILN_CHECK(!journal, "'", directory.string(),
               "' already holds a sweep; pass --resume to continue it, or choose another --out");
    fs::create_directories(directory);
    journal = new_journal(spec, trials);
    sweep::write_sweep_journal(directory, *journal);
    return *journal;
  }
  KILN_CHECK(journal, "nothing to resume: no ", sweep::kSweepJournalFile, " in '",
             directory.string(), "'");
  const nlohmann::json difference = nlohmann::json::diff(journal->spec, spec.json);
  KILN_CHECK(difference.empty(), "'", directory.string(),
             "' holds a sweep of another spec (they differ at ",
             difference.empty() ? "" : difference[0].at("path").get<std::string>(),
             "); resume it with the spec it started with, or choose another --out");
  return *journal;
}

std::string plan_line(const SweepSpec& spec, const sweep::Asha& asha, int64_t parallel,
                      const fs::path& directory) {
  std::string budgets;
  for (const int64_t epochs : asha.budgets())
    budgets += (budgets.empty() ? "" : ", ") + std::to_string(epochs);
  return "kiln sweep " + spec.name + ": " + std::to_string(spec.trials) + " trials (" +
         (spec.method == sweep::SearchMethod::Grid ? "grid"
                                                   : "random, seed " + std::to_string(spec.seed)) +
         "), " +
         (spec.asha ? "ASHA rungs at " + budgets + " epochs (reduction factor " +
                          std::to_string(spec.reduction_factor) + ")"
                    : "every trial " + budgets + " epochs") +
         "; " + spec.metric + " (" + (spec.lower_is_better ? "min" : "max") + "); " +
         std::to_string(parallel) + " at once, " + std::to_string(spec.threads_per_trial) +
         " thread(s) each; in " + directory.string();
}

// The value `command` gives `option` ("--model gpt" or "--model=gpt"), if any.
std::optional<std::string> option_value(const std::vector<std::string>& command,
                                        const std::string& option) {
  for (size_t i = 0; i < command.size(); ++i) {
    if (command[i] == option && i + 1 < command.size()) return command[i + 1];
    if (command[i].starts_with(option + "=")) return command[i].substr(option.size() + 1);
  }
  return std::nullopt;
}

// Each `--set KEY` of a forecasting sweep names a hyperparameter of every model it trains:
// kiln's parser takes any KEY=VALUE, and a misspelt key would fail every trial at its start.
void check_model_settings(const SweepSpec& spec) {
  if (spec.command.size() < 2 || spec.command[1] != "forecast") return;
  std::vector<std::string> models = {
      option_value(spec.command, "--model").value_or(ForecastTrainOptions{}.model)};
  for (const sweep::Parameter& parameter : spec.parameters)
    if (parameter.name == "--model" && parameter.domain.kind == sweep::Domain::Kind::Choices) {
      models.clear();
      for (const nlohmann::json& choice : parameter.domain.choices)
        models.push_back(sweep::argument_text(choice));
    }
  for (const std::string& model : models) {
    const nlohmann::json hyperparameters = models::forecaster_defaults(model);
    for (const sweep::Parameter& parameter : spec.parameters)
      KILN_CHECK(parameter.option != "--set" || hyperparameters.contains(parameter.key),
                 "parameters.", parameter.name, ": ", model, " has no hyperparameter '",
                 parameter.key, "'");
  }
}

// --dry-run: the plan and the trials, nothing run or written.
int list_trials(const SweepSpec& spec, const sweep::Asha& asha, const SweepJournal& journal,
                int64_t parallel, const fs::path& directory) {
  std::printf("%s\n", plan_line(spec, asha, parallel, directory).c_str());
  std::vector<const TrialRecord*> trials;
  for (const TrialRecord& trial : journal.trials) trials.push_back(&trial);
  for (const std::string& line : sweep::trial_table(spec, asha, trials))
    std::printf("%s\n", line.c_str());
  std::printf("the spec is good; nothing was run\n");
  return 0;
}

// The report of the sweep's trials (tools/report/report_page.h).
void write_sweep_report(const fs::path& directory, const SweepSpec& spec) {
  report::write_report({directory}, "kiln sweep " + spec.name, directory / "report.html");
}

// The ranked table, the best finished trial and how to train it again; an error when no trial
// finished.
void print_results(const SweepSpec& spec, const SweepJournal& journal, const sweep::Asha& asha) {
  const std::vector<const TrialRecord*> ranked = sweep::ranked_trials(journal);
  std::printf("\n");
  for (const std::string& line : sweep::trial_table(spec, asha, ranked))
    std::printf("%s\n", line.c_str());
  const auto best = std::find_if(ranked.begin(), ranked.end(), [](const TrialRecord* trial) {
    return trial->state == sweep::TrialState::Finished;
  });
  KILN_CHECK(best != ranked.end(), "no trial finished; trial ", ranked.front()->id, ": ",
             ranked.front()->reason);
  const TrialRecord& trial = **best;
  std::printf("\nbest: trial %lld, %s %.6g after %lld epochs; train it again with:\n  %s\n",
              static_cast<long long>(trial.id), journal.metric.c_str(), trial.rungs.back().metric,
              static_cast<long long>(trial.rungs.back().epochs),
              sweep::reproducing_command(trial, spec.max_epochs).c_str());
}

}  // namespace

int run_sweep(const SweepOptions& o) {
  const SweepSpec spec = sweep::read_sweep_spec(o.spec);
  const std::vector<nlohmann::json> trials = sweep::trial_configurations(spec);
  sweep::check_trial_arguments(spec, trials, check_kiln_arguments);
  check_model_settings(spec);
  const fs::path directory =
      o.out.empty() ? fs::path("runs") / ("sweep-" + spec.name) : fs::path(o.out);
  const auto cores = static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  const int64_t parallel =
      o.parallel > 0 ? o.parallel : std::max<int64_t>(1, cores / spec.threads_per_trial);
  const sweep::Asha asha(sweep::asha_settings(spec));
  if (o.dry_run) return list_trials(spec, asha, new_journal(spec, trials), parallel, directory);
  SweepJournal journal = open_journal(o, directory, spec, trials);
  sweep::SweepRunner runner(spec, directory, journal, parallel);
  std::printf("%s\n", plan_line(spec, asha, parallel, directory).c_str());
  if (o.resume) std::printf("resuming %s\n", sweep::state_counts(spec, journal).c_str());
  std::fflush(stdout);
  if (runner.run() == 130) {
    std::printf(
        "interrupted; the journal keeps every trial; continue with: kiln sweep %s --out "
        "%s --resume\n",
        o.spec.c_str(), directory.c_str());
    return 130;
  }
  print_results(spec, journal, asha);
  write_sweep_report(directory, spec);
  std::printf("results: %s\nreport: %s\n", (directory / sweep::kSweepResultsFile).c_str(),
              (directory / "report.html").c_str());
  return 0;
}

}  // namespace kiln::tools
