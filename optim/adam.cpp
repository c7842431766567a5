#include "optim/adam.h"

#include "tensor/creation.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace kiln::optim {

namespace {

void check(const AdamOptions& o, const char* name) {
  KILN_CHECK(o.lr >= 0, name, ": lr must be non-negative, got ", o.lr);
  KILN_CHECK(o.eps >= 0, name, ": eps must be non-negative, got ", o.eps);
  KILN_CHECK(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1, name,
             ": betas must be in [0, 1), got (", o.beta1, ", ", o.beta2, ")");
  KILN_CHECK(o.weight_decay >= 0, name, ": weight_decay must be non-negative, got ",
             o.weight_decay);
}

const std::vector<ParamGroup<AdamOptions>>& checked(
    const std::vector<ParamGroup<AdamOptions>>& groups, const char* name) {
  for (const ParamGroup<AdamOptions>& group : groups) check(group.options, name);
  return groups;
}

std::vector<ParamGroup<AdamOptions>> decoupled(
    const std::vector<ParamGroup<AdamWOptions>>& groups) {
  std::vector<ParamGroup<AdamOptions>> out;
  for (const auto& [params, o] : groups) {
    out.push_back({params,
                   {.lr = o.lr,
                    .beta1 = o.beta1,
                    .beta2 = o.beta2,
                    .eps = o.eps,
                    .weight_decay = o.weight_decay,
                    .amsgrad = o.amsgrad,
                    .maximize = o.maximize,
                    .decoupled_weight_decay = true}});
  }
  return checked(out, "AdamW");
}

}  // namespace

Adam::Adam(const std::vector<Tensor>& params, const AdamOptions& options)
    : Adam(std::vector<ParamGroup<AdamOptions>>{{params, options}}) {}

Adam::Adam(const std::vector<ParamGroup<AdamOptions>>& groups)
    : OptimizerWith(checked(groups, "Adam")) {}

void Adam::check_options(const AdamOptions& options) const {
  check(options, name());
}

void Adam::step() {
  for (size_t g = 0; g < group_count(); ++g) {
    const AdamOptions& o = options(g);
    std::vector<AdamSlot> slots;
    for_each_with_grad(g, [&](const Tensor& param, const Tensor& grad, State& state) {
      for (const char* moment : {"exp_avg", "exp_avg_sq", o.amsgrad ? "max_exp_avg_sq" : nullptr}) {
        if (moment != nullptr && !state[moment].defined()) state[moment] = zeros_like(param);
      }
      slots.push_back({.param = param,
                       .grad = grad,
                       .exp_avg = state["exp_avg"],
                       .exp_avg_sq = state["exp_avg_sq"],
                       .max_exp_avg_sq = o.amsgrad ? state["max_exp_avg_sq"] : Tensor(),
                       .step = count_step(state)});
    });
    adam_update(slots, o);
  }
}

AdamW::AdamW(const std::vector<Tensor>& params, const AdamWOptions& options)
    : AdamW(std::vector<ParamGroup<AdamWOptions>>{{params, options}}) {}

AdamW::AdamW(const std::vector<ParamGroup<AdamWOptions>>& groups) : Adam(decoupled(groups)) {}

void AdamW::check_options(const AdamOptions& options) const {
  Adam::check_options(options);
  // Without it the update is Adam's: an AdamW that silently became Adam.
  KILN_CHECK(options.decoupled_weight_decay, "AdamW: decoupled_weight_decay must be true");
}

}  // namespace kiln::optim
