#include "autograd/op_list.h"

namespace kiln::autograd {

namespace {
#define KILN_OP_STRING(name, ...) #name,
constexpr const char* kRecorded[] = {KILN_RECORDED_OPS(KILN_OP_STRING)};
constexpr const char* kComposite[] = {KILN_COMPOSITE_OPS(KILN_OP_STRING)};
#undef KILN_OP_STRING
}  // namespace

const char* op_name(Op op) {
  return kRecorded[static_cast<size_t>(op)];
}

const char* op_name(CompositeOp op) {
  return kComposite[static_cast<size_t>(op)];
}

std::span<const char* const> recorded_op_names() {
  return kRecorded;
}

std::span<const char* const> composite_op_names() {
  return kComposite;
}

}  // namespace kiln::autograd
