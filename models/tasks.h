#pragma once

// Synthetic sequence tasks generated in-process: copy, reverse, sort, and addition of
// numbers. Every example comes from a kiln Generator (Philox), so a run is reproducible from
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
  int64_t base = 10;
};

struct Example {
  std::vector<int64_t> source, target;  // token ids, without BOS, SEP or EOS
};

// A batch for an encoder-decoder: source [N, S], target_in = BOS + target [N, T + 1],
// target_out = target + EOS [N, T + 1]; padded with kPad.
struct Seq2SeqBatch {
  Tensor source, target_in, target_out;
};

// A batch for a decoder-only model: rows are source SEP target EOS; inputs are all but the
// last token, targets all but the first, with the source part of targets set to `ignore`.
struct DecoderBatch {
  Tensor inputs, targets;
};

class SequenceTask {
 public:
  static const std::vector<std::string>& names();
  // Throws kiln::Error for an unknown name or options that describe no sequences.
  SequenceTask(const std::string& name, const TaskOptions& options = {});

  const std::string& name() const { return name_; }
  const TaskOptions& options() const { return options_; }
  int64_t vocab() const { return Tokens::kFirstDigit + options_.base; }
  int64_t max_source_length() const;
  int64_t max_target_length() const;

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
