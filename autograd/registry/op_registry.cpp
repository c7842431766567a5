#include "autograd/registry/op_registry.h"

#include <algorithm>
#include <exception>
#include <sstream>
#include <typeinfo>

namespace kiln::autograd {

namespace {
std::vector<void (*)(std::vector<OpEntry>&)>& registered_adders() {
  static std::vector<void (*)(std::vector<OpEntry>&)> adders;
  return adders;
}

std::vector<std::pair<OpId, std::vector<BadInput>>>& registered_bad_inputs() {
  static std::vector<std::pair<OpId, std::vector<BadInput>>> rows;
  return rows;
}
std::vector<std::pair<OpId, BenchmarkSamples>>& registered_benchmarks() {
  static std::vector<std::pair<OpId, BenchmarkSamples>> samples;
  return samples;
}

}  // namespace

std::string check_bad_input(const BadInput& row) {
  try {
    row.call();
  } catch (const Error& error) {
    const std::string message = error.what();
    for (const std::string& part : row.message_contains) {
      if (message.find(part) == std::string::npos) {
        return row.name + ": message lacks \"" + part + "\"; actual message: \"" + message + "\"";
      }
    }
    return "";
  } catch (const std::exception& error) {
    return row.name + " threw " + typeid(error).name() + " instead of kiln::Error: " + error.what();
  } catch (...) {
    return row.name + " threw a non-standard exception instead of kiln::Error";
  }
  return row.name + " did not throw";
}

BenchmarkRegistrar::BenchmarkRegistrar(std::vector<std::pair<OpId, BenchmarkSamples>> samples) {
  for (auto& op_samples : samples) registered_benchmarks().push_back(std::move(op_samples));
}

BadInputRegistrar::BadInputRegistrar(std::vector<std::pair<OpId, std::vector<BadInput>>> rows) {
  for (auto& op_rows : rows) registered_bad_inputs().push_back(std::move(op_rows));
}

OpEntryRegistrar::OpEntryRegistrar(void (*add_entries)(std::vector<OpEntry>&)) {
  registered_adders().push_back(add_entries);
}

const std::vector<OpEntry>& op_registry() {
  static const std::vector<OpEntry> entries = [] {
    std::vector<OpEntry> all;
    for (auto add : registered_adders()) add(all);
    for (const auto& [op, rows] : registered_bad_inputs()) {
      OpEntry& entry = entry_of(all, op);
      entry.bad_inputs.insert(entry.bad_inputs.end(), rows.begin(), rows.end());
    }
    for (const auto& [op, samples] : registered_benchmarks()) {
      OpEntry& entry = entry_of(all, op);
      KILN_CHECK(!entry.benchmarks, "two sets of benchmark samples for ", op.name());
      entry.benchmarks = samples;
    }
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

OpEntry& entry_of(std::vector<OpEntry>& entries, OpId op) {
  const auto entry = std::ranges::find_if(
      entries, [&](const OpEntry& e) { return std::string_view(e.name()) == op.name(); });
  KILN_CHECK(entry != entries.end(), op.name(), " has no registry entry");
  return *entry;
}

std::vector<const OpEntry*> find_op_entries(const std::vector<std::string>& names) {
  std::vector<const OpEntry*> selected;
  for (const std::string& name : names) {
    const OpEntry* entry = find_op_entry(name);
    KILN_CHECK(entry != nullptr, "no op named '", name,
               "' in the registry (see kiln verify --list)");
    selected.push_back(entry);
  }
  if (names.empty()) {
    for (const OpEntry& entry : op_registry()) selected.push_back(&entry);
  }
  return selected;
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
  int64_t elements = output.numel();
  for (const Tensor& input : inputs) {
    if (input.defined()) elements = std::max(elements, input.numel());
  }
  cost.flops = entry.flops ? entry.flops(inputs, output)
                           : entry.flops_per_element * static_cast<double>(elements);
  return cost;
}

}  // namespace kiln::autograd
