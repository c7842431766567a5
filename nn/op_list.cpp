#include "nn/op_list.h"

namespace kiln::nn {

namespace {
#define KILN_NN_OP_STRING(name) #name,
constexpr const char* kNames[] = {KILN_NN_OPS(KILN_NN_OP_STRING)};
#undef KILN_NN_OP_STRING
}  // namespace

const char* op_name(Op op) {
  return kNames[static_cast<size_t>(op)];
}

std::span<const char* const> nn_op_names() {
  return kNames;
}

}  // namespace kiln::nn
