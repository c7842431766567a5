#include "optim/lr_scheduler.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "tensor/error.h"
#include "tensor/io/json_input.h"

namespace kiln::optim {

namespace {

// Python's a % b for b > 0: never negative.
int64_t python_mod(int64_t a, int64_t b) {
  return ((a % b) + b) % b;
}

// How many of the sorted values are <= x (Python's bisect_right).
int64_t bisect_right(const std::vector<int64_t>& sorted, int64_t x) {
  return std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin();
}

std::vector<double> scaled(std::vector<double> lrs, double factor) {
  for (double& lr : lrs) lr *= factor;
  return lrs;
}

}  // namespace

nlohmann::json Schedule::state_dict() const {
  nlohmann::json state = own_state();
  state["type"] = name();
  return state;
}

Commit Schedule::prepare_load_state_dict(const nlohmann::json& state) {
  KILN_CHECK(state.is_object(), name(), " load_state_dict: the state is not a JSON object");
  if (state.contains("type")) {
    KILN_CHECK(state["type"] == name(), name(), " load_state_dict: the state was saved by ",
               state["type"].is_string() ? state["type"].get<std::string>() : "an unnamed schedule",
               ", not ", name());
  }
  try {
    return prepare_own_state(state);
  } catch (const nlohmann::json::exception& error) {
    throw Error(std::string(name()) + " load_state_dict: " + error.what());
  }
}

std::vector<double> Schedule::read_rates(const nlohmann::json& state, const char* key,
                                         size_t group_count) const {
  const auto rates = state.at(key).get<std::vector<double>>();
  KILN_CHECK(rates.size() == group_count, name(), " load_state_dict: ", key, " holds ",
             rates.size(), " rates, the optimizer has ", group_count, " parameter groups");
  for (double rate : rates) {
    KILN_CHECK(std::isfinite(rate) && rate >= 0, name(), " load_state_dict: ", key,
               " holds the rate ", rate, "; rates are finite and non-negative");
  }
  return rates;
}

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
  for (size_t g = 0; g < optimizer.group_count(); ++g) {
    std::optional<double>& initial = optimizer.initial_lr(g);
    if (!initial) initial = optimizer.lr(g);
    base_lrs_.push_back(*initial);
  }
}

void LRScheduler::initial_step() {
  step_count_ = 0;
  is_initial_ = true;
  step();
  is_initial_ = false;
}

void LRScheduler::step() {
  ++step_count_;
  update_lr();
}

void LRScheduler::update_lr(std::optional<int64_t> epoch) {
  std::vector<double> values;
  if (epoch) {
    last_epoch_ = *epoch;
    values = closed_form_lr().value_or(std::vector<double>{});
    if (values.empty()) values = get_lr();
  } else {
    ++last_epoch_;
    values = get_lr();
  }
  apply_lrs(values);
}

void LRScheduler::apply_lrs(const std::vector<double>& lrs) {
  for (size_t g = 0; g < lrs.size(); ++g) optimizer_.set_lr(g, lrs[g]);
  last_lr_ = current_lrs();
}

std::vector<double> LRScheduler::current_lrs() const {
  std::vector<double> lrs;
  for (size_t g = 0; g < optimizer_.group_count(); ++g) lrs.push_back(optimizer_.lr(g));
  return lrs;
}

nlohmann::json LRScheduler::own_state() const {
  return {{"last_epoch", last_epoch_},
          {"step_count", step_count_},
          {"base_lrs", base_lrs_},
          {"last_lr", last_lr_}};
}

Commit LRScheduler::prepare_own_state(const nlohmann::json& state) {
  for (const char* field : {"last_epoch", "step_count"})
    check_integers(state, {field}, name() + std::string(" load_state_dict"));
  std::vector<double> base_lrs = read_rates(state, "base_lrs", base_lrs_.size());
  std::vector<double> last_lr = read_rates(state, "last_lr", base_lrs_.size());
  const auto last_epoch = state.at("last_epoch").get<int64_t>();
  const auto step_count = state.at("step_count").get<int64_t>();
  KILN_CHECK(step_count >= 0, name(), " load_state_dict: step_count must be non-negative, got ",
             step_count);
  return [this, base_lrs = std::move(base_lrs), last_lr = std::move(last_lr), last_epoch,
          step_count]() mutable {
    base_lrs_ = std::move(base_lrs);
    last_lr_ = std::move(last_lr);
    last_epoch_ = last_epoch;
    step_count_ = step_count;
  };
}

nlohmann::json LRScheduler::state_with(
    const std::vector<std::shared_ptr<LRScheduler>>& schedulers) const {
  nlohmann::json state = LRScheduler::own_state();
  state["schedulers"] = nlohmann::json::array();
  for (const auto& scheduler : schedulers) state["schedulers"].push_back(scheduler->state_dict());
  return state;
}

Commit LRScheduler::prepare_state_with(
    const nlohmann::json& state, const std::vector<std::shared_ptr<LRScheduler>>& schedulers) {
  KILN_CHECK(state.contains("schedulers") && state["schedulers"].is_array() &&
                 state["schedulers"].size() == schedulers.size(),
             name(), " load_state_dict: the state does not hold ", schedulers.size(),
             " schedulers");
  std::vector<Commit> commits = {LRScheduler::prepare_own_state(state)};
  for (size_t i = 0; i < schedulers.size(); ++i)
    commits.push_back(schedulers[i]->prepare_load_state_dict(state["schedulers"][i]));
  return [commits = std::move(commits)]() {
    for (const Commit& commit : commits) commit();
  };
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  KILN_CHECK(step_size > 0, "StepLR: step_size must be positive, got ", step_size);
  initial_step();
}

std::vector<double> StepLR::get_lr() {
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return current_lrs();
  return scaled(current_lrs(), gamma_);
}

std::optional<std::vector<double>> StepLR::closed_form_lr() const {
  return scaled(base_lrs_, std::pow(gamma_, static_cast<double>(last_epoch_ / step_size_)));
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma)
    : LRScheduler(optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
  std::sort(milestones_.begin(), milestones_.end());
  initial_step();
}

std::vector<double> MultiStepLR::get_lr() {
  const auto count = std::count(milestones_.begin(), milestones_.end(), last_epoch_);
  if (count == 0) return current_lrs();
  return scaled(current_lrs(), std::pow(gamma_, static_cast<double>(count)));
}

std::optional<std::vector<double>> MultiStepLR::closed_form_lr() const {
  return scaled(base_lrs_,
                std::pow(gamma_, static_cast<double>(bisect_right(milestones_, last_epoch_))));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : LRScheduler(optimizer), gamma_(gamma) {
  initial_step();
}

std::vector<double> ExponentialLR::get_lr() {
  return is_initial_ ? current_lrs() : scaled(current_lrs(), gamma_);
}

std::optional<std::vector<double>> ExponentialLR::closed_form_lr() const {
  return scaled(base_lrs_, std::pow(gamma_, static_cast<double>(last_epoch_)));
}

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor,
                   int64_t total_iters)
    : LRScheduler(optimizer),
      start_factor_(start_factor),
      end_factor_(end_factor),
      total_iters_(total_iters) {
  KILN_CHECK(start_factor > 0 && start_factor <= 1, "LinearLR: start_factor must be in (0, 1], ",
             "got ", start_factor);
  KILN_CHECK(end_factor >= 0 && end_factor <= 1, "LinearLR: end_factor must be in [0, 1], got ",
             end_factor);
  KILN_CHECK(total_iters > 0, "LinearLR: total_iters must be positive, got ", total_iters);
  initial_step();
}

std::vector<double> LinearLR::get_lr() {
  if (last_epoch_ == 0) return scaled(current_lrs(), start_factor_);
  if (is_initial_ || last_epoch_ > total_iters_) return current_lrs();
  const double change = end_factor_ - start_factor_;
  return scaled(current_lrs(), 1.0 + change / (static_cast<double>(total_iters_) * start_factor_ +
                                               static_cast<double>(last_epoch_ - 1) * change));
}

std::optional<std::vector<double>> LinearLR::closed_form_lr() const {
  const double done = static_cast<double>(std::min(total_iters_, last_epoch_));
  return scaled(base_lrs_, start_factor_ + (end_factor_ - start_factor_) * done /
                                               static_cast<double>(total_iters_));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
  KILN_CHECK(t_max > 0, "CosineAnnealingLR: T_max must be positive, got ", t_max);
  initial_step();
}

std::vector<double> CosineAnnealingLR::get_lr() {
  constexpr double pi = std::numbers::pi;
  const double epoch = static_cast<double>(last_epoch_), t_max = static_cast<double>(t_max_);
  std::vector<double> lrs = current_lrs();
  if (is_initial_) return lrs;
  for (size_t g = 0; g < lrs.size(); ++g) {
    const double base = base_lrs_[g];
    if (step_count_ == 1 && last_epoch_ > 0) {
      lrs[g] = eta_min_ + (base - eta_min_) * (1 + std::cos(epoch * pi / t_max)) / 2;
    } else if (python_mod(last_epoch_ - 1 - t_max_, 2 * t_max_) == 0) {
      lrs[g] = lrs[g] + (base - eta_min_) * (1 - std::cos(pi / t_max)) / 2;
    } else {
      lrs[g] = (1 + std::cos(pi * epoch / t_max)) / (1 + std::cos(pi * (epoch - 1) / t_max)) *
                   (lrs[g] - eta_min_) +
               eta_min_;
    }
  }
  return lrs;
}

std::optional<std::vector<double>> CosineAnnealingLR::closed_form_lr() const {
  std::vector<double> lrs;
  for (double base : base_lrs_) {
    lrs.push_back(eta_min_ + (base - eta_min_) *
                                 (1 + std::cos(std::numbers::pi * static_cast<double>(last_epoch_) /
                                               static_cast<double>(t_max_))) /
                                 2);
  }
  return lrs;
}

SequentialLR::SequentialLR(Optimizer& optimizer,
                           std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<int64_t> milestones)
    : LRScheduler(optimizer),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
  KILN_CHECK(!schedulers_.empty(), "SequentialLR: needs at least one scheduler");
  KILN_CHECK(milestones_.size() + 1 == schedulers_.size(), "SequentialLR: ", schedulers_.size(),
             " schedulers need ", schedulers_.size() - 1, " milestones, got ", milestones_.size());
  KILN_CHECK(std::is_sorted(milestones_.begin(), milestones_.end()),
             "SequentialLR: milestones must be increasing");
  for (const auto& scheduler : schedulers_) {
    KILN_CHECK(scheduler != nullptr && &scheduler->optimizer_ == &optimizer,
               "SequentialLR: every scheduler must belong to the same optimizer");
  }
  last_epoch_ = 0;
  for (size_t g = 0; g < optimizer.group_count(); ++g)
    optimizer.set_lr(g, *optimizer.initial_lr(g));
  undo_initial_steps();
  LRScheduler& first = *schedulers_[bisect_right(milestones_, 0)];
  first.initial_step();
  last_lr_ = first.last_lr();
}

void SequentialLR::undo_initial_steps() {
  for (const auto& scheduler : schedulers_) scheduler->undo_initial_steps();
}

void SequentialLR::step() {
  ++last_epoch_;
  const int64_t index = bisect_right(milestones_, last_epoch_);
  LRScheduler& current = *schedulers_[index];
  if (index > 0 && milestones_[index - 1] == last_epoch_) {
    current.update_lr(0);
  } else {
    current.step();
  }
  last_lr_ = current.last_lr();
}

std::vector<double> SequentialLR::get_lr() {
  return current_lrs();
}

nlohmann::json SequentialLR::own_state() const {
  return state_with(schedulers_);
}

Commit SequentialLR::prepare_own_state(const nlohmann::json& state) {
  return prepare_state_with(state, schedulers_);
}

std::shared_ptr<SequentialLR> linear_warmup_cosine(Optimizer& optimizer, int64_t warmup_steps,
                                                   int64_t total_steps, double start_factor,
                                                   double eta_min) {
  KILN_CHECK(warmup_steps > 0 && warmup_steps < total_steps, "linear_warmup_cosine: needs ",
             "0 < warmup_steps < total_steps, got ", warmup_steps, " and ", total_steps);
  auto warmup = std::make_shared<LinearLR>(optimizer, start_factor, 1.0, warmup_steps);
  auto cosine = std::make_shared<CosineAnnealingLR>(optimizer, total_steps - warmup_steps, eta_min);
  return std::make_shared<SequentialLR>(optimizer,
                                        std::vector<std::shared_ptr<LRScheduler>>{warmup, cosine},
                                        std::vector<int64_t>{warmup_steps});
}

}  // namespace kiln::optim
