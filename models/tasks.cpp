#include "models/tasks.h"

#include <algorithm>
#include <array>

#include "models/recall_tasks.h"
#include "models/task_draws.h"
#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::models {

namespace {

// FNV-1a over the tokens: a tenth of all sources is held out.
bool is_held_out(const std::vector<int64_t>& source) {
  uint64_t hash = 1469598103934665603ull;
  for (int64_t token : source) {
    hash ^= static_cast<uint64_t>(token);
    hash *= 1099511628211ull;
  }
  return hash % 10 == 0;
}

// Row-major [rows, width], short rows filled with `fill`.
Tensor padded(const std::vector<std::vector<int64_t>>& rows, int64_t fill = Tokens::kPad) {
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.size());
  std::vector<int64_t> flat(rows.size() * width, fill);
  for (size_t r = 0; r < rows.size(); ++r)
    std::copy(rows[r].begin(), rows[r].end(),
              flat.begin() + static_cast<std::ptrdiff_t>(r * width));
  return from_vector(flat, {static_cast<int64_t>(rows.size()), static_cast<int64_t>(width)});
}

bool is_recall_task(const std::string& name) {
  return name == "selective_copy" || name == "induction";
}

RecallVocabulary recall_vocabulary(const SequenceTask& task) {
  return {.first_symbol = Tokens::kFirstDigit,
          .symbols = task.options().base,
          .noise = task.noise_token(),
          .query = task.query_token()};
}

}  // namespace

const std::vector<std::string>& SequenceTask::names() {
  static const std::vector<std::string> all = {"copy", "reverse",        "sort",
                                               "add",  "selective_copy", "induction"};
  return all;
}

SequenceTask::SequenceTask(const std::string& name, const TaskOptions& options)
    : name_(name), options_(options) {
  KILN_CHECK(std::find(names().begin(), names().end(), name) != names().end(), "unknown task '",
             name, "'; the tasks are copy, reverse, sort, add, selective_copy and induction");
  KILN_CHECK(options.min_length >= 1 && options.min_length <= options.max_length,
             "task lengths must satisfy 1 <= min_length <= max_length, got ", options.min_length,
             " and ", options.max_length);
  KILN_CHECK(options.base >= 2 && options.base <= 64, "task base must be in [2, 64], got ",
             options.base);
  // Short sequences have few distinct values: enough must remain outside the held-out tenth.
  KILN_CHECK(name != "add" || options.max_length >= 2 || options.base >= 4,
             "add needs more than one digit or a base of at least 4");
  KILN_CHECK(options.length <= kMaxRecallLength, "task length must be at most ", kMaxRecallLength,
             ", got ", options.length);
  KILN_CHECK(name != "selective_copy" ||
                 (options.data_tokens >= 1 && options.length >= 2 * options.data_tokens),
             "selective_copy needs data_tokens >= 1 and length >= 2 x data_tokens (the data "
             "tokens and a query for each), got length ",
             options.length, " and data_tokens ", options.data_tokens);
  KILN_CHECK(name != "induction" || options.length >= 3,
             "induction needs length >= 3 (a trigger, its key and the final trigger), got ",
             options.length);
}

int64_t SequenceTask::vocab() const {
  // The recall tasks' noise and query tokens follow the digits.
  return Tokens::kFirstDigit + options_.base + (is_recall_task(name_) ? 2 : 0);
}

int64_t SequenceTask::max_source_length() const {
  if (is_recall_task(name_)) return options_.length;
  return name_ == "add" ? 2 * options_.max_length + 1 : options_.max_length;
}

int64_t SequenceTask::max_target_length() const {
  if (name_ == "selective_copy") return options_.data_tokens;
  if (name_ == "induction") return 1;
  return name_ == "add" ? options_.max_length + 1 : options_.max_length;
}

DecoderLayout SequenceTask::decoder_layout() const {
  return is_recall_task(name_) ? DecoderLayout::kAtQueries : DecoderLayout::kAfterSeparator;
}

int64_t SequenceTask::query_count(const std::vector<int64_t>& source) const {
  const auto last_other = std::find_if(source.rbegin(), source.rend(),
                                       [&](int64_t token) { return token != query_token(); });
  return last_other - source.rbegin();
}

std::vector<int64_t> SequenceTask::solve(const std::vector<int64_t>& source) const {
  if (name_ == "selective_copy") return selective_copy_answer(source, recall_vocabulary(*this));
  if (name_ == "induction") return induction_answer(source, recall_vocabulary(*this));
  if (name_ == "copy") return source;
  if (name_ == "reverse") return {source.rbegin(), source.rend()};
  if (name_ == "sort") {
    std::vector<int64_t> sorted = source;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }
  // add: most significant digit first, as written; the sum has no leading zeros.
  const auto plus = std::find(source.begin(), source.end(), Tokens::kPlus);
  std::vector<int64_t> a(source.begin(), plus), b(plus + 1, source.end());
  std::vector<int64_t> digits;
  int64_t carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry != 0; ++i) {
    const int64_t da = i < a.size() ? a[a.size() - 1 - i] - Tokens::kFirstDigit : 0;
    const int64_t db = i < b.size() ? b[b.size() - 1 - i] - Tokens::kFirstDigit : 0;
    const int64_t total = da + db + carry;
    digits.push_back(Tokens::kFirstDigit + total % options_.base);
    carry = total / options_.base;
  }
  while (digits.size() > 1 && digits.back() == Tokens::kFirstDigit) digits.pop_back();
  return {digits.rbegin(), digits.rend()};
}

Example SequenceTask::sample(Generator& generator, bool held_out) const {
  Draws draw(generator);
  auto number = [&] {
    const int64_t length = draw.between(options_.min_length, options_.max_length);
    std::vector<int64_t> digits;
    for (int64_t i = 0; i < length; ++i) {
      // Numbers to add have no leading zero (unless they are 0).
      const int64_t low = name_ == "add" && i == 0 && length > 1 ? 1 : 0;
      digits.push_back(Tokens::kFirstDigit + draw.between(low, options_.base - 1));
    }
    return digits;
  };
  const RecallVocabulary vocabulary = recall_vocabulary(*this);
  // Rejection sampling: a tenth of the sources are held out, so this rarely loops.
  for (int attempt = 0; attempt < 100000; ++attempt) {
    std::vector<int64_t> source =
        name_ == "selective_copy"
            ? selective_copy_source(draw, vocabulary, options_.length, options_.data_tokens)
        : name_ == "induction" ? induction_source(draw, vocabulary, options_.length)
                               : number();
    if (name_ == "add") {
      source.push_back(Tokens::kPlus);
      const std::vector<int64_t> other = number();
      source.insert(source.end(), other.begin(), other.end());
    }
    if (is_held_out(source) == held_out) return {source, solve(source)};
  }
  throw Error("task " + name_ + ": no " + (held_out ? "held-out" : "training") +
              " sequence found; the lengths allow too few sequences");
}

std::vector<Example> SequenceTask::samples(Generator& generator, int64_t count,
                                           bool held_out) const {
  std::vector<Example> out;
  for (int64_t i = 0; i < count; ++i) out.push_back(sample(generator, held_out));
  return out;
}

Seq2SeqBatch SequenceTask::seq2seq_batch(const std::vector<Example>& examples) const {
  std::vector<std::vector<int64_t>> sources, inputs, outputs;
  for (const Example& e : examples) {
    sources.push_back(e.source);
    inputs.push_back({Tokens::kBos});
    inputs.back().insert(inputs.back().end(), e.target.begin(), e.target.end());
    outputs.push_back(e.target);
    outputs.back().push_back(Tokens::kEos);
  }
  return {padded(sources), padded(inputs), padded(outputs)};
}

DecoderBatch SequenceTask::decoder_batch(const std::vector<Example>& examples,
                                         int64_t ignore) const {
  std::vector<std::vector<int64_t>> inputs, targets;
  if (decoder_layout() == DecoderLayout::kAtQueries) {
    for (const Example& e : examples) {
      KILN_CHECK(e.source.size() >= e.target.size(), "task ", name_, ": a source of ",
                 e.source.size(), " tokens cannot hold queries for ", e.target.size());
      inputs.push_back(e.source);
      targets.emplace_back(e.source.size(), ignore);
      std::copy(e.target.begin(), e.target.end(), targets.back().end() - e.target.size());
    }
    return {padded(inputs), padded(targets, ignore)};
  }
  for (const Example& e : examples) {
    std::vector<int64_t> row = e.source;
    row.push_back(Tokens::kSep);
    row.insert(row.end(), e.target.begin(), e.target.end());
    row.push_back(Tokens::kEos);
    inputs.emplace_back(row.begin(), row.end() - 1);
    std::vector<int64_t> shifted(row.begin() + 1, row.end());
    // Predicting the source is not the task: only the answer after SEP counts.
    std::fill(shifted.begin(), shifted.begin() + static_cast<std::ptrdiff_t>(e.source.size()),
              ignore);
    targets.push_back(std::move(shifted));
  }
  // Padding positions of the targets are ignored too.
  return {padded(inputs), padded(targets, ignore)};
}

}  // namespace kiln::models
