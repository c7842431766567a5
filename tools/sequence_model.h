#pragma once

// A reference model bound to a synthetic task: the Transformer (encoder-decoder), GPT or
// Mamba (decoder-only) sized for the task, its training loss on a batch of examples, and its
// answers, decoded greedily, by beam search, or (Mamba) through its recurrent step.
// Everything needed to rebuild it lives in one JSON config, which checkpoints carry.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/gpt.h"
#include "models/mamba.h"
#include "models/tasks.h"
#include "models/transformer.h"
#include "optim/adam.h"

namespace kiln::tools {

struct ModelSize {
  int64_t d_model = 64;
  int64_t heads = 4;
  int64_t layers = 2;  // per stack for the Transformer
  double dropout = 0;
  // Mamba's mixer: the state size per channel, the convolution's width, and d_inner / d_model.
  int64_t d_state = 16, d_conv = 4, expand = 2;
};

// How answers are decoded: greedily, with a beam (the Transformer), or sampled at a
// temperature from the top_k most likely tokens (GPT; temperature 0 is greedy). Mamba
// decodes greedily.
struct Decoding {
  int64_t beam_size = 1;
  double temperature = 0;
  int64_t top_k = 0;
  Generator* generator = nullptr;
};

// The fraction of answers entirely right, and of answer tokens right (compared position by
// position with the right answer's; tokens past its end are not counted).
struct Scores {
  double exact_match = 0, token_accuracy = 0;
  // The task's headline metric: token accuracy for selective copying, else exact match.
  double headline(const models::SequenceTask& task) const {
    return task.scored_by_token() ? token_accuracy : exact_match;
  }
};

class SequenceModel {
 public:
  static const std::vector<std::string>& kinds();  // "transformer", "gpt", "mamba"
  // The config of a fresh model: {"kind", "task", "task_options", "model"}.
  static nlohmann::json make_config(const std::string& kind, const models::SequenceTask& task,
                                    const ModelSize& size);
  explicit SequenceModel(const nlohmann::json& config);

  const nlohmann::json& config() const { return config_; }
  const models::SequenceTask& task() const { return task_; }
  nn::Module& module() { return *module_; }

  // Mean cross-entropy over the answer tokens; `tokens` gets how many there were.
  Tensor loss(const std::vector<models::Example>& examples, Device device, int64_t& tokens);
  // The answer to each source: its tokens up to EOS, or those read at its queries.
  std::vector<std::vector<int64_t>> answer(const std::vector<std::vector<int64_t>>& sources,
                                           Device device, const Decoding& decoding = {});
  // How right the answers to `examples` are, answering batch_size at a time.
  Scores score(const std::vector<models::Example>& examples, Device device,
               int64_t batch_size = 256, int64_t beam_size = 1);
  // The optimizer's groups: mamba_ssm's for Mamba (A_log and D without weight decay), else
  // one group of every parameter.
  std::vector<optim::ParamGroup<optim::AdamWOptions>> param_groups(
      const optim::AdamWOptions& options) const;

 private:
  std::vector<std::vector<int64_t>> answer_at_queries(
      const std::vector<std::vector<int64_t>>& sources, Device device);
  std::vector<std::vector<int64_t>> answer_after_separator(
      const std::vector<std::vector<int64_t>>& sources, Device device, const Decoding& decoding);

  nlohmann::json config_;
  models::SequenceTask task_;
  std::shared_ptr<nn::Module> module_;
  models::Transformer* transformer_ = nullptr;
  models::GPT* gpt_ = nullptr;
  models::MambaLMHeadModel* mamba_ = nullptr;
};

// Tokens of `task` as text: digits as characters (bases up to 10, else [12]), '+', the
// recall tasks' noise as '.' and query as '?', and <eos>-style names.
std::string format_tokens(const std::vector<int64_t>& tokens, const models::SequenceTask& task);
// "123+45" or "..3.1??" (spaces ignored) as tokens of `task`; throws kiln::Error naming a bad
// character.
std::vector<int64_t> parse_tokens(const std::string& text, const models::SequenceTask& task);

}  // namespace kiln::tools
