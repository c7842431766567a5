#include "tensor/backend.h"

#include <array>

#include "tensor/error.h"

namespace kiln {

namespace {
std::array<Backend*, kDeviceTypeCount>& registry() {
  static std::array<Backend*, kDeviceTypeCount> backends{};
  return backends;
}
}  // namespace

Backend& backend(DeviceType type) {
  Backend* found = registry()[static_cast<int>(type)];
  KILN_CHECK(found != nullptr, "device ", Device{type, 0},
             ": kiln was built without this backend (configure with KILN_CUDA=ON)");
  return *found;
}

void synchronize(Device device) {
  backend(device.type).synchronize(device.index);
}

void register_backend(DeviceType type, Backend* implementation) {
  registry()[static_cast<int>(type)] = implementation;
}

const char* op_name(UnaryOp op) {
#define KILN_NAME_ENTRY(name, ...) #name,
  static constexpr const char* names[] = {KILN_UNARY_OPS(KILN_NAME_ENTRY)
                                              KILN_PARAMETRIC_UNARY_OPS(KILN_NAME_ENTRY)};
  static_assert(std::size(names) == kUnaryOpCount);
  return names[static_cast<int>(op)];
}

const char* op_name(BinaryOp op) {
  static constexpr const char* names[] = {KILN_BINARY_OPS(KILN_NAME_ENTRY)};
#undef KILN_NAME_ENTRY
  static_assert(std::size(names) == kBinaryOpCount);
  return names[static_cast<int>(op)];
}

}  // namespace kiln
