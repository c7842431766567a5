#pragma once

// The TSP policies by name, as `kiln train tsp --model` and checkpoints name them:
//   am       the attention model (Kool et al. 2019), trained by REINFORCE;
//   bello    the pointer network with a glimpse and C tanh clipping (Bello et al. 2016),
//            trained by REINFORCE with an LSTM critic;
//   pointer  the pointer network of Vinyals et al. 2015 (no glimpse, no clipping), trained
//            supervised on the tours of a solver.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/tsp_policy.h"

namespace kiln::models {

const std::vector<std::string>& tsp_policy_kinds();

// A policy of `kind` from its config (JSON of AttentionModelConfig or PointerNetworkConfig;
// missing fields keep their defaults). Throws kiln::Error for an unknown kind.
std::shared_ptr<TspPolicy> make_tsp_policy(const std::string& kind, const nlohmann::json& config);

}  // namespace kiln::models
