#include "nn/module_list.h"

#include <type_traits>

#include "nn/activation.h"
#include "nn/attention.h"
#include "nn/batch_norm.h"
#include "nn/conv.h"
#include "nn/distance.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/instance_norm.h"
#include "nn/linear.h"
#include "nn/normalization.h"
#include "nn/recurrent.h"
#include "nn/transformer.h"

namespace kiln::nn {

#define KILN_CHECK_MODULE(name)                        \
  static_assert(std::is_base_of_v<Module, name>, #name \
                " in nn/module_list.h is not an "      \
                "nn::Module");
KILN_NN_MODULES(KILN_CHECK_MODULE)
#undef KILN_CHECK_MODULE

namespace {
#define KILN_MODULE_STRING(name) #name,
constexpr const char* kNames[] = {KILN_NN_MODULES(KILN_MODULE_STRING)};
#undef KILN_MODULE_STRING
}  // namespace

std::span<const char* const> module_names() {
  return kNames;
}

}  // namespace kiln::nn
