#include "autograd/registry/op_registry.h"

#include <algorithm>
#include <sstream>

namespace kiln::autograd {

namespace {
std::vector<void (*)(std::vector<OpEntry>&)>& registered_adders() {
  static std::vector<void (*)(std::vector<OpEntry>&)> adders;
  return adders;
}
}  // namespace

OpEntryRegistrar::OpEntryRegistrar(void (*add_entries)(std::vector<OpEntry>&)) {
  registered_adders().push_back(add_entries);
}

const std::vector<OpEntry>& op_registry() {
  static const std::vector<OpEntry> entries = [] {
    std::vector<OpEntry> all;
    for (auto add : registered_adders()) add(all);
    return all;
  }();
  return entries;
}

const OpEntry* find_op_entry(std::string_view name) {
  for (const OpEntry& entry : op_registry()) {
    if (entry.name() == name) return &entry;
  }
  return nullptr;
}

void check_supported(const OpEntry& entry, DType dtype, Device device) {
  const bool dtype_ok = std::ranges::find(entry.dtypes, dtype) != entry.dtypes.end();
  const bool device_ok = std::ranges::find(entry.devices, device.type) != entry.devices.end();
  if (dtype_ok && device_ok) return;
  std::ostringstream message;
  message << entry.name() << ": not supported for " << dtype << " on " << device << " (supports";
  for (DType d : entry.dtypes) message << " " << d;
  message << " on";
  for (DeviceType d : entry.devices) message << " " << Device{d, 0};
  message << ")";
  throw Error(message.str());
}

OpCost op_cost(const OpEntry& entry, const std::vector<Tensor>& inputs, const Tensor& output) {
  OpCost cost;
  for (const Tensor& input : inputs) {
    if (input.defined()) cost.bytes += static_cast<double>(input.numel() * itemsize(input.dtype()));
  }
  cost.bytes += static_cast<double>(output.numel() * itemsize(output.dtype()));
  cost.flops = entry.flops ? entry.flops(inputs, output)
                           : entry.flops_per_element * static_cast<double>(output.numel());
  return cost;
}

}  // namespace kiln::autograd
