#include "models/tsp_policy.h"

#include "autograd/functions.h"
#include "nn/module_scope.h"
#include "tensor/creation.h"

namespace kiln::models {

TourRollout rollout(TspDecoding& decoding, const DecodeStrategy& strategy, const Tensor& forced) {
  const TourState& state = decoding.state();
  KILN_CHECK(!forced.defined() || (forced.dim() == 2 && forced.dtype() == kInt64 &&
                                   forced.size(0) == state.visited().size(0) &&
                                   forced.size(1) <= state.visited().size(1)),
             "rollout: expected forced choices int64 [", state.visited().size(0),
             ", k <= ", state.visited().size(1), "], got ", forced.dtype(), " ", forced.shape());
  std::vector<Tensor> chosen_log_p;
  while (!state.complete()) {
    const Tensor log_p = decoding.log_p(strategy.temperature);
    const int64_t step = state.steps();
    const Tensor next = forced.defined() && step < forced.size(1)
                            ? forced.select(1, step).contiguous()
                            : choose_next(log_p, strategy);
    chosen_log_p.push_back(log_p.gather(1, next.unsqueeze(1)));
    decoding.visit(next);
  }
  return {state.tours(), cat(chosen_log_p, 1).sum({1})};
}

TourRollout TspPolicy::forward(const Tensor& coords, const DecodeStrategy& strategy) {
  const nn::ModuleScope scope(*this);
  return rollout(*begin(coords), strategy);
}

Tensor TspPolicy::log_likelihood(const Tensor& coords, const Tensor& tours) {
  KILN_CHECK(tours.dim() == 2 && tours.dtype() == kInt64 && coords.dim() == 3 &&
                 tours.size(0) == coords.size(0) && tours.size(1) == coords.size(1),
             type_name(), ": expected int64 tours [B, n] for coordinates ", coords.shape(),
             ", got ", tours.dtype(), " ", tours.shape());
  return rollout(*begin(coords), {}, tours).log_likelihood;
}

}  // namespace kiln::models
