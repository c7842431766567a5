#include "models/tsp_policies.h"

#include "models/attention_model.h"
#include "models/pointer_network.h"

namespace kiln::models {

const std::vector<std::string>& tsp_policy_kinds() {
  static const std::vector<std::string> kinds = {"am", "bello", "pointer"};
  return kinds;
}

std::shared_ptr<TspPolicy> make_tsp_policy(const std::string& kind, const nlohmann::json& config) {
  if (kind == "am") return std::make_shared<AttentionModel>(config.get<AttentionModelConfig>());
  if (kind == "bello" || kind == "pointer")
    return std::make_shared<PointerNetwork>(config.get<PointerNetworkConfig>());
  throw Error("no TSP policy named '" + kind + "'; there are am, bello and pointer");
}

}  // namespace kiln::models
