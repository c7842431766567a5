#include "optim/chained_scheduler.h"

#include "tensor/error.h"

namespace kiln::optim {

Optimizer& ChainedScheduler::shared_optimizer(
    const std::vector<std::shared_ptr<LRScheduler>>& schedulers) {
  KILN_CHECK(!schedulers.empty(), "ChainedScheduler: needs at least one scheduler, got none");
  for (size_t i = 0; i < schedulers.size(); ++i) {
    KILN_CHECK(schedulers[i] != nullptr, "ChainedScheduler: scheduler ", i, " is null");
    KILN_CHECK(&schedulers[i]->optimizer_ == &schedulers[0]->optimizer_,
               "ChainedScheduler: every scheduler must belong to the same optimizer; scheduler ", i,
               " has another");
  }
  return schedulers[0]->optimizer_;
}

ChainedScheduler::ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers)
    : LRScheduler(shared_optimizer(schedulers)), schedulers_(std::move(schedulers)) {
  // The schedules took their initial steps when they were made; none is taken here.
  last_epoch_ = 0;
  last_lr_ = current_lrs();
}

void ChainedScheduler::step() {
  ++step_count_;
  ++last_epoch_;
  for (const auto& scheduler : schedulers_) scheduler->step();
  last_lr_ = current_lrs();
}

std::vector<double> ChainedScheduler::get_lr() {
  return current_lrs();
}

void ChainedScheduler::undo_initial_steps() {
  for (const auto& scheduler : schedulers_) scheduler->undo_initial_steps();
}

nlohmann::json ChainedScheduler::own_state() const {
  return state_with(schedulers_);
}

Commit ChainedScheduler::prepare_own_state(const nlohmann::json& state) {
  return prepare_state_with(state, schedulers_);
}

}  // namespace kiln::optim
