#include "optim/lambda_lr.h"

#include "tensor/error.h"

namespace kiln::optim {

namespace {

// One function per group, each callable.
std::vector<LRLambda> checked(const char* schedule, const Optimizer& optimizer,
                              std::vector<LRLambda> lr_lambdas) {
  KILN_CHECK(lr_lambdas.size() == optimizer.group_count(), schedule, ": expected ",
             optimizer.group_count(), " lr_lambdas (one per parameter group), got ",
             lr_lambdas.size());
  for (size_t g = 0; g < lr_lambdas.size(); ++g) {
    KILN_CHECK(static_cast<bool>(lr_lambdas[g]), schedule, ": lr_lambda for group ", g,
               " is empty; it should be a function");
  }
  return lr_lambdas;
}

}  // namespace

LambdaLR::LambdaLR(Optimizer& optimizer, LRLambda lr_lambda)
    : LambdaLR(optimizer, std::vector<LRLambda>(optimizer.group_count(), lr_lambda)) {}

LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<LRLambda> lr_lambdas)
    : LRScheduler(optimizer), lr_lambdas_(checked("LambdaLR", optimizer, std::move(lr_lambdas))) {
  initial_step();
}

std::vector<double> LambdaLR::get_lr() {
  std::vector<double> lrs;
  for (size_t g = 0; g < base_lrs_.size(); ++g)
    lrs.push_back(base_lrs_[g] * lr_lambdas_[g](last_epoch_));
  return lrs;
}

MultiplicativeLR::MultiplicativeLR(Optimizer& optimizer, LRLambda lr_lambda)
    : MultiplicativeLR(optimizer, std::vector<LRLambda>(optimizer.group_count(), lr_lambda)) {}

MultiplicativeLR::MultiplicativeLR(Optimizer& optimizer, std::vector<LRLambda> lr_lambdas)
    : LRScheduler(optimizer),
      lr_lambdas_(checked("MultiplicativeLR", optimizer, std::move(lr_lambdas))) {
  initial_step();
}

std::vector<double> MultiplicativeLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (is_initial_) return lrs;
  for (size_t g = 0; g < lrs.size(); ++g) lrs[g] *= lr_lambdas_[g](last_epoch_);
  return lrs;
}

}  // namespace kiln::optim
