#pragma once

// The learning-rate schedules of optim/ by class name, for the PyTorch coverage table
// (`kiln coverage`); optim/schedule_list.cpp checks at compile time that each is a Schedule.
#include <span>

#define KILN_SCHEDULES(X)        \
  X(ChainedScheduler)            \
  X(ConstantLR)                  \
  X(CosineAnnealingLR)           \
  X(CosineAnnealingWarmRestarts) \
  X(CyclicLR)                    \
  X(ExponentialLR)               \
  X(LambdaLR)                    \
  X(LinearLR)                    \
  X(MultiStepLR)                 \
  X(MultiplicativeLR)            \
  X(OneCycleLR)                  \
  X(PolynomialLR)                \
  X(ReduceLROnPlateau)           \
  X(SequentialLR)                \
  X(StepLR)

namespace kiln::optim {

// The class names of KILN_SCHEDULES, in its order.
std::span<const char* const> schedule_names();

}  // namespace kiln::optim
