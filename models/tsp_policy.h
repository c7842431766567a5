#pragma once

// What every TSP policy (the attention model, the pointer network) offers the training loop
// and the decoders: a decoding of a batch that gives log p(next node | tour so far), advances
// by the chosen nodes and keeps chosen rows (for beams), started on each instance one or more
// times.
#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "models/tour_decoding.h"
#include "nn/module.h"

namespace kiln::models {

struct TourRollout {
  Tensor tours;           // [B, n] int64
  Tensor log_likelihood;  // [B]: the sum of the chosen nodes' log-probabilities
};

// One batch being decoded, row by row; rows are instances (or copies of them).
class TspDecoding {
 public:
  TspDecoding(int64_t rows, int64_t nodes, Device device) : state_(rows, nodes, device) {}
  virtual ~TspDecoding() = default;

  const TourState& state() const { return state_; }
  // log p(next node | tour so far) = log_softmax(logits / temperature), [rows, n], visited
  // nodes at -inf.
  virtual Tensor log_p(double temperature = 1) = 0;
  // Appends nodes [rows] int64 to the tours.
  virtual void visit(const Tensor& nodes) = 0;
  // Keeps the rows at `rows` (int64 [rows], repeats allowed) in that order; each row must come
  // from the same instance's block of copies (beam search reorders within an instance).
  virtual void reorder(const Tensor& rows) = 0;

 protected:
  TourState state_;
};

class TspPolicy : public nn::Module {
 public:
  using nn::Module::Module;

  // Starts decoding coords [B, n, 2], each instance `copies` times in a row (copy j of
  // instance b at row b copies + j).
  virtual std::unique_ptr<TspDecoding> begin(const Tensor& coords, int64_t copies = 1) = 0;
  // A new policy of the same kind and config holding a copy of these weights.
  virtual std::shared_ptr<TspPolicy> copy() const = 0;
  // The config it was built from, as JSON (checkpoints keep it).
  virtual nlohmann::json config_json() const = 0;

  // Tours of coords [B, n, 2] decoded by `strategy`, with their log-likelihood
  // (differentiable, for REINFORCE).
  TourRollout forward(const Tensor& coords, const DecodeStrategy& strategy = {});
  // The log-likelihood [B] of given tours [B, n] (teacher forcing, for supervised training).
  Tensor log_likelihood(const Tensor& coords, const Tensor& tours);
};

// Decodes to the end: the first `forced.size(1)` choices of each row from `forced` [rows, k]
// (when defined), the rest by `strategy`; every choice's log-probability counts.
TourRollout rollout(TspDecoding& decoding, const DecodeStrategy& strategy = {},
                    const Tensor& forced = {});

}  // namespace kiln::models
