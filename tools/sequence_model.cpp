#include "tools/sequence_model.h"

#include <algorithm>
#include <map>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::tools {

using models::DecoderLayout;
using models::Example;
using models::Tokens;

namespace {

constexpr int64_t kIgnore = -100;

models::TaskOptions task_options_of(const nlohmann::json& json) {
  const models::TaskOptions defaults;
  return {.min_length = json.value("min_length", defaults.min_length),
          .max_length = json.value("max_length", defaults.max_length),
          .base = json.value("base", defaults.base),
          .length = json.value("length", defaults.length),
          .data_tokens = json.value("data_tokens", defaults.data_tokens)};
}

// The answer a decoded row holds: its tokens before the first EOS (or pad).
std::vector<int64_t> until_end(const std::vector<int64_t>& row) {
  const auto end = std::find_if(row.begin(), row.end(), [](int64_t token) {
    return token == Tokens::kEos || token == Tokens::kPad;
  });
  return {row.begin(), end};
}

// The rows of `rows` by their length, so that each group decodes as one batch.
std::map<size_t, std::vector<size_t>> indices_by_length(
    const std::vector<std::vector<int64_t>>& rows) {
  std::map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < rows.size(); ++i) groups[rows[i].size()].push_back(i);
  return groups;
}

// Greedy decoding through Mamba's recurrent step, O(1) memory in the prompt's length: the
// prompts [B, L] (of one length) are read one token at a time; the most likely token after
// each of the last `read` positions is kept, then `generate` more tokens, each fed back.
// Returns each row's read + generate tokens.
std::vector<std::vector<int64_t>> decode_by_steps(models::MambaLMHeadModel& model,
                                                  const std::vector<std::vector<int64_t>>& prompts,
                                                  int64_t read, int64_t generate, Device device) {
  const auto batch = static_cast<int64_t>(prompts.size());
  const size_t length = prompts.front().size();
  models::MambaInferenceCache cache = model.allocate_inference_cache(batch);
  std::vector<std::vector<int64_t>> rows(prompts.size());
  auto keep = [&](const Tensor& logits) {
    const Tensor next = logits.argmax(-1);
    const std::vector<int64_t> tokens = next.to(kCPU).to_vector<int64_t>();
    for (size_t r = 0; r < rows.size(); ++r) rows[r].push_back(tokens[r]);
    return next;
  };
  std::vector<int64_t> column(prompts.size());
  Tensor logits;
  for (size_t t = 0; t < length; ++t) {
    for (size_t r = 0; r < prompts.size(); ++r) column[r] = prompts[r][t];
    logits = model.step(from_vector(column, {batch}).to(device), cache);
    if (t + static_cast<size_t>(read) >= length) keep(logits);
  }
  for (int64_t g = 0; g < generate; ++g) logits = model.step(keep(logits), cache);
  return rows;
}

}  // namespace

const std::vector<std::string>& SequenceModel::kinds() {
  static const std::vector<std::string> all = {"transformer", "gpt", "mamba"};
  return all;
}

nlohmann::json SequenceModel::make_config(const std::string& kind, const models::SequenceTask& task,
                                          const ModelSize& size) {
  KILN_CHECK(std::find(kinds().begin(), kinds().end(), kind) != kinds().end(), "unknown model '",
             kind, "'; the models are transformer, gpt and mamba");
  KILN_CHECK(kind != "mamba" || size.dropout == 0, "mamba has no dropout; got ", size.dropout);
  const models::TaskOptions& o = task.options();
  nlohmann::json config = {{"kind", kind},
                           {"task", task.name()},
                           {"task_options",
                            {{"min_length", o.min_length},
                             {"max_length", o.max_length},
                             {"base", o.base},
                             {"length", o.length},
                             {"data_tokens", o.data_tokens}}}};
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
  } else if (kind == "gpt") {
    config["model"] =
        models::GPTConfig{.vocab = task.vocab(),
                          .context = task.max_source_length() + task.max_target_length() + 2,
                          .d_model = size.d_model,
                          .heads = size.heads,
                          .layers = size.layers,
                          .dropout = size.dropout,
                          .ignore_token = kIgnore};
  } else {
    models::MambaConfig mamba{.d_model = size.d_model,
                              .n_layer = size.layers,
                              .vocab_size = task.vocab(),
                              .d_state = size.d_state,
                              .d_conv = size.d_conv,
                              .expand = size.expand};
    models::validate(mamba);
    config["model"] = mamba;
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
  } else if (kind == "mamba") {
    auto model =
        std::make_shared<models::MambaLMHeadModel>(config.at("model").get<models::MambaConfig>());
    mamba_ = model.get();
    module_ = model;
  } else {
    throw Error("unknown model '" + kind + "'; the models are transformer, gpt and mamba");
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
  const Tensor inputs = batch.inputs.to(device), targets = batch.targets.to(device);
  if (mamba_ != nullptr) return mamba_->loss(mamba_->forward(inputs), targets);
  return gpt_->loss(gpt_->forward(inputs), targets);
}

std::vector<std::vector<int64_t>> SequenceModel::answer(
    const std::vector<std::vector<int64_t>>& sources, Device device, const Decoding& decoding) {
  KILN_CHECK(gpt_ != nullptr || decoding.temperature == 0,
             "sampling at a temperature is for gpt; the other models decode greedily",
             transformer_ != nullptr ? " or by beam" : "");
  KILN_CHECK(transformer_ != nullptr || decoding.beam_size <= 1,
             "beam search is for the transformer; gpt and mamba decode greedily",
             gpt_ != nullptr ? " or sample" : "");
  NoGradGuard no_grad;
  if (transformer_ == nullptr && task_.decoder_layout() == DecoderLayout::kAtQueries)
    return answer_at_queries(sources, device);
  return answer_after_separator(sources, device, decoding);
}

// Every source's answer at its queries, in batches of one source length: a forward pass for
// GPT, the recurrent step for Mamba.
std::vector<std::vector<int64_t>> SequenceModel::answer_at_queries(
    const std::vector<std::vector<int64_t>>& sources, Device device) {
  std::vector<std::vector<int64_t>> answers(sources.size());
  for (const auto& [length, indices] : indices_by_length(sources)) {
    std::vector<std::vector<int64_t>> group;
    for (size_t i : indices) {
      group.push_back(sources[i]);
      KILN_CHECK(task_.query_count(sources[i]) >= 1, "task ", task_.name(),
                 ": a source must end with a query ('?')");
    }
    // A batch reads the same number of answer tokens from every row: the most queries any
    // row ends with; each row keeps its own.
    int64_t queries = 0;
    for (const auto& row : group) queries = std::max(queries, task_.query_count(row));
    std::vector<std::vector<int64_t>> read;
    if (mamba_ != nullptr) {
      read = decode_by_steps(*mamba_, group, queries, 0, device);
    } else {
      const auto rows = static_cast<int64_t>(group.size()), width = static_cast<int64_t>(length);
      std::vector<int64_t> flat;
      for (const auto& row : group) flat.insert(flat.end(), row.begin(), row.end());
      const Tensor logits = gpt_->forward(from_vector(flat, {rows, width}).to(device));
      const Tensor best = logits.narrow(1, width - queries, queries).argmax(-1).to(kCPU);
      for (int64_t r = 0; r < rows; ++r)
        read.push_back(best.select(0, r).contiguous().to_vector<int64_t>());
    }
    for (size_t k = 0; k < indices.size(); ++k) {
      const int64_t own = task_.query_count(group[k]);
      answers[indices[k]] = {read[k].end() - own, read[k].end()};
    }
  }
  return answers;
}

std::vector<std::vector<int64_t>> SequenceModel::answer_after_separator(
    const std::vector<std::vector<int64_t>>& sources, Device device, const Decoding& decoding) {
  const int64_t longest = task_.max_target_length() + 1;
  std::vector<std::vector<int64_t>> answers;
  if (transformer_ != nullptr) {
    std::vector<Example> as_examples;
    for (const auto& source : sources) as_examples.push_back({source, {}});
    const Tensor source = task_.seq2seq_batch(as_examples).source.to(device);
    const Tensor decoded =
        decoding.beam_size > 1
            ? transformer_->beam_search(source, Tokens::kBos, Tokens::kEos, longest,
                                        decoding.beam_size)
            : transformer_->greedy_decode(source, Tokens::kBos, Tokens::kEos, longest);
    const Tensor rows = decoded.to(kCPU);
    for (int64_t r = 0; r < rows.size(0); ++r)
      answers.push_back(until_end(rows.select(0, r).to_vector<int64_t>()));
    return answers;
  }
  std::vector<std::vector<int64_t>> prompts;
  for (const auto& source : sources) {
    prompts.push_back(source);
    prompts.back().push_back(Tokens::kSep);
  }
  if (mamba_ != nullptr) {
    answers.resize(sources.size());
    for (const auto& [length, indices] : indices_by_length(prompts)) {
      std::vector<std::vector<int64_t>> group;
      for (size_t i : indices) group.push_back(prompts[i]);
      const auto decoded = decode_by_steps(*mamba_, group, 1, longest - 1, device);
      for (size_t k = 0; k < indices.size(); ++k) answers[indices[k]] = until_end(decoded[k]);
    }
    return answers;
  }
  // GPT: rows have different prompt lengths; decode each prompt on its own.
  for (const auto& prompt : prompts) {
    const auto length = static_cast<int64_t>(prompt.size());
    const Tensor out =
        gpt_->generate(from_vector(prompt, {1, length}).to(device), longest, decoding.temperature,
                       decoding.top_k, Tokens::kEos, decoding.generator);
    const std::vector<int64_t> row = out.to(kCPU).to_vector<int64_t>();
    answers.push_back(until_end({row.begin() + length, row.end()}));
  }
  return answers;
}

Scores SequenceModel::score(const std::vector<Example>& examples, Device device, int64_t batch_size,
                            int64_t beam_size) {
  if (examples.empty()) return {};
  int64_t right = 0, right_tokens = 0, tokens = 0;
  for (size_t begin = 0; begin < examples.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(examples.size(), begin + static_cast<size_t>(batch_size));
    std::vector<std::vector<int64_t>> sources;
    for (size_t i = begin; i < end; ++i) sources.push_back(examples[i].source);
    const auto answers = answer(sources, device, {.beam_size = beam_size});
    for (size_t i = begin; i < end; ++i) {
      const std::vector<int64_t>& given = answers[i - begin];
      const std::vector<int64_t>& target = examples[i].target;
      right += given == target;
      tokens += static_cast<int64_t>(target.size());
      for (size_t t = 0; t < std::min(given.size(), target.size()); ++t)
        right_tokens += given[t] == target[t];
    }
  }
  return {.exact_match = static_cast<double>(right) / static_cast<double>(examples.size()),
          .token_accuracy =
              tokens == 0 ? 1.0 : static_cast<double>(right_tokens) / static_cast<double>(tokens)};
}

std::vector<optim::ParamGroup<optim::AdamWOptions>> SequenceModel::param_groups(
    const optim::AdamWOptions& options) const {
  if (mamba_ != nullptr) return mamba_->param_groups(options);
  return {{.params = module_->parameters(), .options = options}};
}

std::string format_tokens(const std::vector<int64_t>& tokens, const models::SequenceTask& task) {
  const bool recall = task.decoder_layout() == DecoderLayout::kAtQueries;
  std::string text;
  for (int64_t token : tokens) {
    if (recall && token == task.noise_token()) {
      text += '.';
    } else if (recall && token == task.query_token()) {
      text += '?';
    } else if (token == Tokens::kPlus) {
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
  const bool recall = task.decoder_layout() == DecoderLayout::kAtQueries;
  std::vector<int64_t> tokens;
  for (char c : text) {
    if (c == ' ') continue;
    if (c == '+' && task.name() == "add") {
      tokens.push_back(Tokens::kPlus);
      continue;
    }
    if (recall && (c == '.' || c == '?')) {
      tokens.push_back(c == '.' ? task.noise_token() : task.query_token());
      continue;
    }
    KILN_CHECK(c >= '0' && c < '0' + std::min<int64_t>(task.options().base, 10), "input '", text,
               "': '", std::string(1, c), "' is not a digit of base ", task.options().base,
               task.name() == "add" ? " or '+'" : "", recall ? ", '.' (noise) or '?' (query)" : "");
    tokens.push_back(Tokens::kFirstDigit + (c - '0'));
  }
  KILN_CHECK(!tokens.empty(), "input '", text, "' holds no digits");
  return tokens;
}

}  // namespace kiln::tools
