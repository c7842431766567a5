#pragma once

// Synthetic sequence tasks generated in-process: copy, reverse, sort, addition of numbers,
// and the recall tasks of Mamba (selective_copy, induction; models/recall_tasks.h). Every
// example comes from a kiln Generator (Philox), so a run is reproducible from
// its seed and resumable from the generator's state. A fixed tenth of all sources (by hash)
// is held out: training never draws them, evaluation draws only them.
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/random.h"
#include "tensor/tensor.h"

namespace kiln::models {

// Token ids shared by the tasks; digits follow.
struct Tokens {
  static constexpr int64_t kPad = 0, kBos = 1, kEos = 2, kSep = 3, kPlus = 4, kFirstDigit = 5;
};

struct TaskOptions {
  int64_t min_length = 4;  // digits per sequence (per operand for add)
  int64_t max_length = 10;
  int64_t base = 10;         // digits 0 .. base-1; the recall tasks' data symbols
  int64_t length = 256;      // selective_copy, induction: tokens per source, queries included
  int64_t data_tokens = 16;  // selective_copy: the symbols to copy
};

// How a decoder-only model reads a task's examples. kAfterSeparator: rows are source SEP
// target EOS and the answer is generated token by token after SEP. kAtQueries: the source
// ends with one query token per answer token and the answer is read at the queries, all at
// once, as the Mamba paper trains its synthetic tasks.
enum class DecoderLayout { kAfterSeparator, kAtQueries };

struct Example {
  std::vector<int64_t> source, target;  // token ids, without BOS, SEP or EOS
};

// A batch for an encoder-decoder: source [N, S], target_in = BOS + target [N, T + 1],
// target_out = target + EOS [N, T + 1]; padded with kPad.
struct Seq2SeqBatch {
  Tensor source, target_in, target_out;
};

// A batch for a decoder-only model. kAfterSeparator: rows are source SEP target EOS; inputs
// are all but the last token, targets all but the first, with the source part of targets
// set to `ignore`. kAtQueries: inputs are the sources; targets are `ignore` but for the
// answer at the queries.
struct DecoderBatch {
  Tensor inputs, targets;
};

class SequenceTask {
 public:
  // The longest source of a recall task: 2^24 tokens (2^20 is Mamba's longest extrapolation).
  static constexpr int64_t kMaxRecallLength = int64_t{1} << 24;
  static const std::vector<std::string>& names();
  // Throws kiln::Error for an unknown name or options that describe no sequences.
  SequenceTask(const std::string& name, const TaskOptions& options = {});

  const std::string& name() const { return name_; }
  const TaskOptions& options() const { return options_; }
  int64_t vocab() const;
  int64_t max_source_length() const;
  int64_t max_target_length() const;
  DecoderLayout decoder_layout() const;
  // The recall tasks' tokens after the digits: noise, and the query (induction's trigger).
  int64_t noise_token() const { return Tokens::kFirstDigit + options_.base; }
  int64_t query_token() const { return noise_token() + 1; }
  // How many answer tokens a kAtQueries source asks for: the queries it ends with.
  int64_t query_count(const std::vector<int64_t>& source) const;
  // Whether the task's headline metric is token accuracy (selective copying, as the paper
  // scores it) rather than exact match.
  bool scored_by_token() const { return name_ == "selective_copy"; }

  // One example from the training split or the held-out split.
  Example sample(Generator& generator, bool held_out) const;
  // The right answer to any source of this task.
  std::vector<int64_t> solve(const std::vector<int64_t>& source) const;
  std::vector<Example> samples(Generator& generator, int64_t count, bool held_out) const;
  Seq2SeqBatch seq2seq_batch(const std::vector<Example>& examples) const;
  DecoderBatch decoder_batch(const std::vector<Example>& examples, int64_t ignore) const;

 private:
  std::string name_;
  TaskOptions options_;
};

}  // namespace kiln::models
