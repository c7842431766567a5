#include "tools/divergence_checks.h"

#include <cmath>

#include "tensor/error.h"
#include "tensor/finite.h"

namespace kiln::tools {

namespace {
constexpr const char* kFindTheOp =
    "Rerun with --detect-anomaly (and --resume, to start from the last checkpoint) to name the "
    "op and module that first produced NaN or Inf; a lower --lr may keep training finite";
}  // namespace

void check_loss_finite(double loss, int64_t step, int64_t epoch) {
  KILN_CHECK(std::isfinite(loss), "training stopped: the loss is ",
             std::isnan(loss) ? "NaN" : "infinite", " at step ", step, " (epoch ", epoch,
             "); the last checkpoint is kept as it was. ", kFindTheOp);
}

void check_weights_finite(const nn::Module& model, int64_t step, const std::string& file) {
  for (const auto& [name, tensor] : model.state_dict()) {
    const NonFinite kind = find_non_finite(tensor);
    KILN_CHECK(kind == NonFinite::None, "training stopped after step ", step, ": ", name, " holds ",
               to_string(kind), ", so nothing is saved over '", file, "'. ", kFindTheOp);
  }
}

}  // namespace kiln::tools
