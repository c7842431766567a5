#pragma once

// A reference model bound to a synthetic task: the Transformer (encoder-decoder) or GPT
// (decoder-only) sized for the task, its training loss on a batch of examples, and its
// answers, decoded greedily or by beam search. Everything needed to rebuild it lives in one
// JSON config, which checkpoints carry.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/gpt.h"
#include "models/tasks.h"
#include "models/transformer.h"

namespace kiln::tools {

struct ModelSize {
  int64_t d_model = 64;
  int64_t heads = 4;
  int64_t layers = 2;  // per stack for the Transformer
  double dropout = 0;
};

// How answers are decoded: greedily, with a beam (the Transformer), or sampled at a
// temperature from the top_k most likely tokens (GPT; temperature 0 is greedy).
struct Decoding {
  int64_t beam_size = 1;
  double temperature = 0;
  int64_t top_k = 0;
  Generator* generator = nullptr;
};

class SequenceModel {
 public:
  static const std::vector<std::string>& kinds();  // "transformer", "gpt"
  // The config of a fresh model: {"kind", "task", "task_options", "model"}.
  static nlohmann::json make_config(const std::string& kind, const models::SequenceTask& task,
                                    const ModelSize& size);
  explicit SequenceModel(const nlohmann::json& config);

  const nlohmann::json& config() const { return config_; }
  const models::SequenceTask& task() const { return task_; }
  nn::Module& module() { return *module_; }

  // Mean cross-entropy over the answer tokens; `tokens` gets how many there were.
  Tensor loss(const std::vector<models::Example>& examples, Device device, int64_t& tokens);
  // The answer to each source (digit tokens, up to EOS).
  std::vector<std::vector<int64_t>> answer(const std::vector<std::vector<int64_t>>& sources,
                                           Device device, const Decoding& decoding = {});
  // The fraction of examples whose whole answer is right, answering batch_size at a time.
  double exact_match(const std::vector<models::Example>& examples, Device device,
                     int64_t batch_size = 256, int64_t beam_size = 1);

 private:
  nlohmann::json config_;
  models::SequenceTask task_;
  std::shared_ptr<nn::Module> module_;
  models::Transformer* transformer_ = nullptr;
  models::GPT* gpt_ = nullptr;
};

// Tokens as text: digits as characters (bases up to 10), '+', and <eos>-style names.
std::string format_tokens(const std::vector<int64_t>& tokens);
// "123+45" (spaces ignored) as tokens of `task`; throws kiln::Error naming a bad character.
std::vector<int64_t> parse_tokens(const std::string& text, const models::SequenceTask& task);

}  // namespace kiln::tools
