#pragma once

// JSON forms of the update rules' options, for optimizer state dicts. A missing field keeps
// its default.
#include <nlohmann/json.hpp>

#include "optim/adagrad_update.h"
#include "optim/adam_update.h"
#include "optim/rmsprop_update.h"
#include "optim/sgd_update.h"

namespace kiln::optim {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SGDOptions, lr, momentum, dampening, weight_decay,
                                                nesterov, maximize)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AdamOptions, lr, beta1, beta2, eps, weight_decay,
                                                amsgrad, maximize, decoupled_weight_decay)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AdagradOptions, lr, lr_decay, weight_decay,
                                                initial_accumulator_value, eps, maximize)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RMSpropOptions, lr, alpha, eps, weight_decay,
                                                momentum, centered, maximize)

}  // namespace kiln::optim
