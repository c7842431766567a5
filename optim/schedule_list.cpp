#include "optim/schedule_list.h"

#include <type_traits>

#include "optim/chained_scheduler.h"
#include "optim/constant_lr.h"
#include "optim/cosine_annealing_warm_restarts.h"
#include "optim/cyclic_lr.h"
#include "optim/lambda_lr.h"
#include "optim/lr_scheduler.h"
#include "optim/one_cycle_lr.h"
#include "optim/polynomial_lr.h"
#include "optim/reduce_lr_on_plateau.h"

namespace kiln::optim {

#define KILN_CHECK_SCHEDULE(name)                  \
  static_assert(std::is_base_of_v<Schedule, name>, \
                #name " in optim/schedule_list.h is not a Schedule");
KILN_SCHEDULES(KILN_CHECK_SCHEDULE)
#undef KILN_CHECK_SCHEDULE

namespace {
#define KILN_SCHEDULE_STRING(name) #name,
constexpr const char* kNames[] = {KILN_SCHEDULES(KILN_SCHEDULE_STRING)};
#undef KILN_SCHEDULE_STRING
}  // namespace

std::span<const char* const> schedule_names() {
  return kNames;
}

}  // namespace kiln::optim
