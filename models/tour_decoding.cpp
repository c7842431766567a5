#include "models/tour_decoding.h"

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"

namespace kiln::models {

TourState::TourState(int64_t batch, int64_t nodes, Device device)
    : visited_(zeros({batch, nodes}, {.dtype = kBool, .device = device})),
      node_ids_(arange(nodes, {.dtype = kInt64, .device = device})) {}

void TourState::visit(const Tensor& nodes) {
  KILN_CHECK(!complete(), "TourState: every node is visited already");
  KILN_CHECK(nodes.dim() == 1 && nodes.size(0) == visited_.size(0) && nodes.dtype() == kInt64,
             "TourState: expected [", visited_.size(0), "] int64 nodes, got ", nodes.shape(), " ",
             nodes.dtype());
  if (order_.empty()) first_ = nodes;
  last_ = nodes;
  visited_ = visited_.logical_or(node_ids_.eq(nodes.unsqueeze(1)));
  order_.push_back(nodes);
}

void TourState::reorder(const Tensor& rows) {
  visited_ = visited_.index_select(0, rows);
  if (order_.empty()) return;
  first_ = first_.index_select(0, rows);
  last_ = last_.index_select(0, rows);
  for (Tensor& nodes : order_) nodes = nodes.index_select(0, rows);
}

Tensor TourState::tours() const {
  KILN_CHECK(!order_.empty(), "TourState: no node visited yet");
  return stack(order_, 1);
}

Tensor choose_next(const Tensor& log_p, const DecodeStrategy& strategy) {
  NoGradGuard no_grad;
  if (strategy.kind == DecodeStrategy::Kind::Greedy) return log_p.argmax(1);
  return sample_categorical(log_p.exp(), strategy.generator);
}

Tensor sample_categorical(const Tensor& probs, Generator* generator) {
  NoGradGuard no_grad;
  KILN_CHECK(probs.dim() == 2, "sample_categorical: expected probs [B, n], got ", probs.shape());
  const Tensor cumulative = probs.cumsum(1);
  const Tensor total = cumulative.narrow(1, probs.size(1) - 1, 1);
  // u in (0, total], so the first index whose cumulative sum reaches u exists and has p > 0.
  const Tensor u = (1 - rand({probs.size(0), 1}, {.dtype = probs.dtype(), .device = probs.device()},
                             generator)) *
                   total;
  return cumulative.lt(u).to(kInt64).sum({1});
}

}  // namespace kiln::models
