#include "models/tasks.h"

#include <algorithm>
#include <array>

#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::models {

namespace {

// Uniform integers from the generator's Philox stream: each example reserves its own
// counter blocks, so the generator's offset alone says where a run is.
class Draws {
 public:
  explicit Draws(Generator& generator) : generator_(generator) {}
  // Uniform in [low, high].
  int64_t between(int64_t low, int64_t high) {
    if (next_ == words_.size()) {
      const PhiloxPosition position = generator_.advance(1);
      words_ = Philox::block(position.seed, position.offset);
      next_ = 0;
    }
    return low + static_cast<int64_t>(words_[next_++] % static_cast<uint64_t>(high - low + 1));
  }

 private:
  Generator& generator_;
  Philox::Block words_{};
  size_t next_ = 4;
};

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

}  // namespace

const std::vector<std::string>& SequenceTask::names() {
  static const std::vector<std::string> all = {"copy", "reverse", "sort", "add"};
  return all;
}

SequenceTask::SequenceTask(const std::string& name, const TaskOptions& options)
    : name_(name), options_(options) {
  KILN_CHECK(std::find(names().begin(), names().end(), name) != names().end(), "unknown task '",
             name, "'; the tasks are copy, reverse, sort and add");
  KILN_CHECK(options.min_length >= 1 && options.min_length <= options.max_length,
             "task lengths must satisfy 1 <= min_length <= max_length, got ", options.min_length,
             " and ", options.max_length);
  KILN_CHECK(options.base >= 2 && options.base <= 64, "task base must be in [2, 64], got ",
             options.base);
  // Short sequences have few distinct values: enough must remain outside the held-out tenth.
  KILN_CHECK(name != "add" || options.max_length >= 2 || options.base >= 4,
             "add needs more than one digit or a base of at least 4");
}

int64_t SequenceTask::max_source_length() const {
  return name_ == "add" ? 2 * options_.max_length + 1 : options_.max_length;
}

int64_t SequenceTask::max_target_length() const {
  return name_ == "add" ? options_.max_length + 1 : options_.max_length;
}

std::vector<int64_t> SequenceTask::solve(const std::vector<int64_t>& source) const {
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
  // Rejection sampling: a tenth of the sources are held out, so this rarely loops.
  for (int attempt = 0; attempt < 100000; ++attempt) {
    std::vector<int64_t> source = number();
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
