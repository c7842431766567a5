// kiln eval: held-out exact match and token accuracy of a trained run, at the trained
// length or (recall tasks) another. kiln sample: a trained run's answers to
// given inputs, or to held-out examples, beside the right ones.
#include <cstdio>

#include "tensor/error.h"
#include "tools/run_directory.h"
#include "tools/validators.h"

namespace kiln::tools {

namespace {
void add_run_options(CLI::App* command, RunLocation& run) {
  command->add_option("--out", run.out, "Run directory written by kiln train");
  command->add_option("--checkpoint", run.checkpoint, "A checkpoint file (instead of --out)")
      ->check(CLI::ExistingFile);
  command->add_option("--device", run.device, "cpu or cuda:N")->capture_default_str();
  command->add_option("--threads", run.threads, "CPU threads (default: all cores)")
      ->check(kPositive);
}
}  // namespace

CLI::App* add_eval_command(CLI::App& app, EvalOptions& o) {
  CLI::App* eval = app.add_subcommand(
      "eval",
      "Score a trained run: exact match and token accuracy on held-out sequences it never "
      "trained on");
  add_run_options(eval, o.run);
  eval->add_option("--eval-size", o.eval_size, "Held-out sequences to score")
      ->check(kPositive)
      ->capture_default_str();
  eval->add_option("--beam", o.beam, "Beam width (transformer; 1 = greedy)")
      ->check(kPositive)
      ->capture_default_str();
  eval->add_option("--seed", o.seed, "Seed of the held-out draw")->capture_default_str();
  eval->add_option("--length", o.length,
                   "selective_copy, induction: score sequences of this length instead of the "
                   "trained one (extrapolation)")
      ->check(kPositive);
  return eval;
}

int run_eval(const EvalOptions& o) {
  const Device device = setup_device(o.run.device, o.run.threads);
  const std::string path = checkpoint_path(o.run);
  auto model = load_trained_model(path, device);
  models::TaskOptions options = model->task().options();
  if (o.length > 0) {
    KILN_CHECK(model->task().decoder_layout() == models::DecoderLayout::kAtQueries,
               "--length is for selective_copy and induction; this run trained on ",
               model->task().name());
    options.length = o.length;
  }
  const models::SequenceTask task(model->task().name(), options);
  Generator generator(o.seed);
  const auto examples = task.samples(generator, o.eval_size, true);
  const Scores scores = model->score(examples, device, 256, o.beam);
  const std::string at_length =
      o.length > 0 ? " at length " + std::to_string(task.options().length) : "";
  std::printf("%s on %s%s: held-out exact match %.4f, token accuracy %.4f (%lld sequences, %s)\n",
              model->config().at("kind").get<std::string>().c_str(), task.name().c_str(),
              at_length.c_str(), scores.exact_match, scores.token_accuracy,
              static_cast<long long>(o.eval_size),
              o.beam > 1 ? ("beam " + std::to_string(o.beam)).c_str() : "greedy");
  return 0;
}

CLI::App* add_sample_command(CLI::App& app, SampleOptions& o) {
  CLI::App* sample = app.add_subcommand(
      "sample", "Show a trained run's answers: to --input sequences, or to held-out examples");
  add_run_options(sample, o.run);
  sample->add_option("--input", o.inputs,
                     "A sequence such as 31415 (add: 123+45; selective_copy: 3..1.??, "
                     "induction: 52?7413?); repeatable");
  sample->add_option("--count", o.count, "Held-out examples to show when no --input is given")
      ->check(kPositive)
      ->capture_default_str();
  sample->add_option("--beam", o.beam, "Beam width (transformer; 1 = greedy)")
      ->check(kPositive)
      ->capture_default_str();
  sample
      ->add_option("--temperature", o.temperature,
                   "gpt: sample answers at this temperature (0: greedy)")
      ->check(kNonNegative)
      ->capture_default_str();
  sample->add_option("--top-k", o.top_k, "gpt: sample from the k most likely tokens (0: all)")
      ->check(kNonNegative)
      ->capture_default_str();
  sample->add_option("--seed", o.seed, "Seed of the held-out draw and of sampling")
      ->capture_default_str();
  return sample;
}

int run_sample(const SampleOptions& o) {
  const Device device = setup_device(o.run.device, o.run.threads);
  auto model = load_trained_model(checkpoint_path(o.run), device);
  const models::SequenceTask& task = model->task();
  std::vector<models::Example> examples;
  if (o.inputs.empty()) {
    Generator generator(o.seed);
    examples = task.samples(generator, o.count, true);
  }
  for (const std::string& input : o.inputs) {
    const std::vector<int64_t> source = parse_tokens(input, task);
    KILN_CHECK(static_cast<int64_t>(source.size()) <= task.max_source_length(), "input '", input,
               "' is longer than the ", task.max_source_length(), " tokens this run trained on");
    examples.push_back({source, {}});
  }
  std::vector<std::vector<int64_t>> sources;
  for (const auto& e : examples) sources.push_back(e.source);
  Generator sampling(o.seed + 1);
  const auto answers = model->answer(sources, device,
                                     {.beam_size = o.beam,
                                      .temperature = o.temperature,
                                      .top_k = o.top_k,
                                      .generator = &sampling});
  for (size_t i = 0; i < examples.size(); ++i) {
    // Answers to typed inputs are checked against the task's own solution too.
    const std::vector<int64_t> expected =
        o.inputs.empty() ? examples[i].target : task.solve(examples[i].source);
    std::printf("%-24s -> %-24s %s\n", format_tokens(examples[i].source, task).c_str(),
                format_tokens(answers[i], task).c_str(),
                answers[i] == expected
                    ? "right"
                    : ("wrong, expected " + format_tokens(expected, task)).c_str());
  }
  return 0;
}

}  // namespace kiln::tools
