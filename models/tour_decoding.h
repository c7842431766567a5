#pragma once

// What the routing models' decoders share: a batch of partial tours (the first and last
// node, the visited set, the order so far) and the choice of the next node from the
// decoder's log-probabilities.
#include <cstdint>
#include <vector>

#include "tensor/random.h"
#include "tensor/tensor.h"

namespace kiln::models {

class TourState {
 public:
  // Empty tours for `batch` instances of `nodes` nodes, on `device`.
  TourState(int64_t batch, int64_t nodes, Device device);

  int64_t steps() const { return static_cast<int64_t>(order_.size()); }
  bool complete() const { return steps() == visited_.size(1); }
  const Tensor& first() const { return first_; }      // [B] int64, defined after the first step
  const Tensor& last() const { return last_; }        // [B] int64, defined after the first step
  const Tensor& visited() const { return visited_; }  // [B, n] bool
  // Appends `nodes` [B] int64 to the tours.
  void visit(const Tensor& nodes);
  // Keeps the tours at `rows` (int64 [B'], repeats allowed), in that order: a beam search's
  // survivors.
  void reorder(const Tensor& rows);
  // The tours so far, [B, steps] int64.
  Tensor tours() const;

 private:
  Tensor first_, last_, visited_, node_ids_;
  std::vector<Tensor> order_;
};

// Greedy takes the most probable node; sampling draws one from softmax(logits / temperature).
struct DecodeStrategy {
  enum class Kind { Greedy, Sampling };
  Kind kind = Kind::Greedy;
  double temperature = 1;
  Generator* generator = nullptr;  // sampling's (the default generator when null)
};

// The next node of each tour from log_p [B, n] (visited nodes at -inf): [B] int64.
Tensor choose_next(const Tensor& log_p, const DecodeStrategy& strategy);

// One index per row of probs [B, n] (rows summing to 1, zeros never chosen), by inverting the
// cumulative distribution at a uniform draw in (0, 1].
Tensor sample_categorical(const Tensor& probs, Generator* generator = nullptr);

}  // namespace kiln::models
