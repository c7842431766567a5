#pragma once

// The PyTorch coverage table (docs/pytorch-coverage.md): each PyTorch name of
// docs/pytorch-surface.json beside kiln's counterpart from the op registry, nn's module list
// or optim's schedule list, or "missing".
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiln::tools {

// The table as Markdown. Throws kiln::Error when an alias names a kiln op, layer or schedule
// that does not exist.
std::string pytorch_coverage_table(const nlohmann::json& surface);
// The registry's ops that `table` never names (as `name`), in registry order.
std::vector<std::string> registry_ops_missing_from(const std::string& table);

}  // namespace kiln::tools
