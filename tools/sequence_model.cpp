#include "tools/sequence_model.h"

#include <algorithm>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::tools {

using models::Example;
using models::Tokens;

namespace {

constexpr int64_t kIgnore = -100;

models::TaskOptions task_options_of(const nlohmann::json& json) {
  const models::TaskOptions defaults;
  return {.min_length = json.value("min_length", defaults.min_length),
          .max_length = json.value("max_length", defaults.max_length),
          .base = json.value("base", defaults.base)};
}

// The answer a decoded row holds: its tokens before the first EOS (or pad).
std::vector<int64_t> until_end(const std::vector<int64_t>& row) {
  const auto end = std::find_if(row.begin(), row.end(), [](int64_t token) {
    return token == Tokens::kEos || token == Tokens::kPad;
  });
  return {row.begin(), end};
}

}  // namespace

const std::vector<std::string>& SequenceModel::kinds() {
  static const std::vector<std::string> all = {"transformer", "gpt"};
  return all;
}

nlohmann::json SequenceModel::make_config(const std::string& kind, const models::SequenceTask& task,
                                          const ModelSize& size) {
  KILN_CHECK(std::find(kinds().begin(), kinds().end(), kind) != kinds().end(), "unknown model '",
             kind, "'; the models are transformer and gpt");
  const models::TaskOptions& o = task.options();
  nlohmann::json config = {
      {"kind", kind},
      {"task", task.name()},
      {"task_options",
       {{"min_length", o.min_length}, {"max_length", o.max_length}, {"base", o.base}}}};
  if (kind == "transformer") {
    config["model"] = models::TransformerConfig{
        .source_vocab = task.vocab(),
        .target_vocab = task.vocab(),
        .d_model = size.d_model,
        .heads = size.heads,
        .encoder_layers = size.layers,
        .decoder_layers = size.layers,
        .d_ff = 4 * size.d_model,
        .dropout = size.dropout,
        .max_length = std::max(task.max_source_length(), task.max_target_length()) + 2,
        .share_embeddings = true,
        .label_smoothing = 0.1,
        .pad_token = Tokens::kPad};
  } else {
    config["model"] =
        models::GPTConfig{.vocab = task.vocab(),
                          .context = task.max_source_length() + task.max_target_length() + 2,
                          .d_model = size.d_model,
                          .heads = size.heads,
                          .layers = size.layers,
                          .dropout = size.dropout,
                          .ignore_token = kIgnore};
  }
  return config;
}

SequenceModel::SequenceModel(const nlohmann::json& config)
    : config_(config),
      task_(config.at("task").get<std::string>(), task_options_of(config.at("task_options"))) {
  const std::string kind = config.at("kind").get<std::string>();
  if (kind == "transformer") {
    auto model =
        std::make_shared<models::Transformer>(config.at("model").get<models::TransformerConfig>());
    transformer_ = model.get();
    module_ = model;
  } else if (kind == "gpt") {
    auto model = std::make_shared<models::GPT>(config.at("model").get<models::GPTConfig>());
    gpt_ = model.get();
    module_ = model;
  } else {
    throw Error("unknown model '" + kind + "'; the models are transformer and gpt");
  }
}

Tensor SequenceModel::loss(const std::vector<Example>& examples, Device device, int64_t& tokens) {
  if (transformer_ != nullptr) {
    const models::Seq2SeqBatch batch = task_.seq2seq_batch(examples);
    const Tensor target_out = batch.target_out.to(device);
    tokens = sum(ne(batch.target_out, Tokens::kPad)).item<int64_t>();
    return transformer_->loss(
        transformer_->forward(batch.source.to(device), batch.target_in.to(device)), target_out);
  }
  const models::DecoderBatch batch = task_.decoder_batch(examples, kIgnore);
  tokens = sum(ne(batch.targets, kIgnore)).item<int64_t>();
  return gpt_->loss(gpt_->forward(batch.inputs.to(device)), batch.targets.to(device));
}

std::vector<std::vector<int64_t>> SequenceModel::answer(
    const std::vector<std::vector<int64_t>>& sources, Device device, const Decoding& decoding) {
  const int64_t beam_size = decoding.beam_size;
  KILN_CHECK(transformer_ == nullptr || decoding.temperature == 0,
             "sampling at a temperature is for gpt; the transformer decodes greedily or by beam");
  NoGradGuard no_grad;
  const int64_t longest = task_.max_target_length() + 1;
  std::vector<Example> as_examples;
  for (const auto& source : sources) as_examples.push_back({source, {}});
  std::vector<std::vector<int64_t>> answers;
  if (transformer_ != nullptr) {
    const Tensor source = task_.seq2seq_batch(as_examples).source.to(device);
    const Tensor decoded =
        beam_size > 1
            ? transformer_->beam_search(source, Tokens::kBos, Tokens::kEos, longest, beam_size)
            : transformer_->greedy_decode(source, Tokens::kBos, Tokens::kEos, longest);
    const Tensor rows = decoded.to(kCPU);
    for (int64_t r = 0; r < rows.size(0); ++r)
      answers.push_back(until_end(rows.select(0, r).to_vector<int64_t>()));
    return answers;
  }
  KILN_CHECK(beam_size <= 1, "beam search is for the transformer; gpt decodes greedily or samples");
  // Rows have different prompt lengths: decode each prompt on its own.
  for (const auto& source : sources) {
    std::vector<int64_t> prompt = source;
    prompt.push_back(Tokens::kSep);
    const auto length = static_cast<int64_t>(prompt.size());
    const Tensor out =
        gpt_->generate(from_vector(prompt, {1, length}).to(device), longest, decoding.temperature,
                       decoding.top_k, Tokens::kEos, decoding.generator);
    const std::vector<int64_t> row = out.to(kCPU).to_vector<int64_t>();
    answers.push_back(until_end({row.begin() + length, row.end()}));
  }
  return answers;
}

double SequenceModel::exact_match(const std::vector<Example>& examples, Device device,
                                  int64_t batch_size, int64_t beam_size) {
  if (examples.empty()) return 0;
  int64_t right = 0;
  for (size_t begin = 0; begin < examples.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(examples.size(), begin + static_cast<size_t>(batch_size));
    std::vector<std::vector<int64_t>> sources;
    for (size_t i = begin; i < end; ++i) sources.push_back(examples[i].source);
    const auto answers = answer(sources, device, {.beam_size = beam_size});
    for (size_t i = begin; i < end; ++i) right += answers[i - begin] == examples[i].target;
  }
  return static_cast<double>(right) / static_cast<double>(examples.size());
}

std::string format_tokens(const std::vector<int64_t>& tokens) {
  std::string text;
  for (int64_t token : tokens) {
    if (token == Tokens::kPlus) {
      text += '+';
    } else if (token >= Tokens::kFirstDigit && token < Tokens::kFirstDigit + 10) {
      text += static_cast<char>('0' + token - Tokens::kFirstDigit);
    } else if (token >= Tokens::kFirstDigit) {
      text.append("[").append(std::to_string(token - Tokens::kFirstDigit)).append("]");
    } else {
      static const char* names[] = {"<pad>", "<bos>", "<eos>", "<sep>"};
      text += names[token];
    }
  }
  return text;
}

std::vector<int64_t> parse_tokens(const std::string& text, const models::SequenceTask& task) {
  std::vector<int64_t> tokens;
  for (char c : text) {
    if (c == ' ') continue;
    if (c == '+' && task.name() == "add") {
      tokens.push_back(Tokens::kPlus);
      continue;
    }
    KILN_CHECK(c >= '0' && c < '0' + std::min<int64_t>(task.options().base, 10), "input '", text,
               "': '", std::string(1, c), "' is not a digit of base ", task.options().base,
               task.name() == "add" ? " or '+'" : "");
    tokens.push_back(Tokens::kFirstDigit + (c - '0'));
  }
  KILN_CHECK(!tokens.empty(), "input '", text, "' holds no digits");
  return tokens;
}

}  // namespace kiln::tools
