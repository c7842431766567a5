#include "models/forecast/forecasters.h"

#include <algorithm>
#include <functional>
#include <ranges>

#include "models/forecast/dlinear.h"
#include "models/forecast/itransformer.h"
#include "models/forecast/lstm_forecaster.h"
#include "models/forecast/patchtst.h"
#include "models/forecast/smamba.h"
#include "models/forecast/timemixer.h"
#include "tensor/error.h"

namespace kiln::models {
namespace {

using Json = nlohmann::json;

struct ForecasterEntry {
  std::string kind;
  Json defaults;  // the model's Config, default-constructed, as JSON
  std::function<std::shared_ptr<Forecaster>(const ForecastShape&, const Json&)> make;
  std::function<ForecastRecipe(const std::string& dataset, int64_t horizon)> recipe;
};

// Every forecaster is a Model with a nested Config (JSON with defaults) built as
// Model(shape, config), and a static Model::paper_recipe(dataset, horizon).
template <class Model>
ForecasterEntry entry(std::string kind) {
  return {std::move(kind), Json(typename Model::Config{}),
          [](const ForecastShape& shape, const Json& config) -> std::shared_ptr<Forecaster> {
            return std::make_shared<Model>(shape, config.get<typename Model::Config>());
          },
          &Model::paper_recipe};
}

const std::vector<ForecasterEntry>& entries() {
  static const std::vector<ForecasterEntry> table = {
      entry<PatchTST>("patchtst"), entry<ITransformer>("itransformer"),
      entry<DLinear>("dlinear"),   entry<TimeMixer>("timemixer"),
      entry<SMamba>("smamba"),     entry<LstmForecaster>("lstm"),
  };
  return table;
}

const ForecasterEntry& find_entry(const std::string& kind) {
  const auto& table = entries();
  const auto found = std::ranges::find(table, kind, &ForecasterEntry::kind);
  if (found == table.end()) {
    std::string known;
    for (const auto& each : table) known += (known.empty() ? "" : ", ") + each.kind;
    throw Error("unknown forecaster '" + kind + "' (known: " + known + ")");
  }
  return *found;
}

std::string key_list(const Json& object) {
  std::string names;
  for (const auto& [name, unused] : object.items()) names += (names.empty() ? "" : ", ") + name;
  return names;
}

}  // namespace

const std::vector<std::string>& forecaster_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> out;
    for (const auto& each : entries()) out.push_back(each.kind);
    return out;
  }();
  return kinds;
}

Json forecaster_defaults(const std::string& kind) {
  return find_entry(kind).defaults;
}

ForecastRecipe forecast_recipe(const std::string& kind, const std::string& dataset,
                               int64_t horizon) {
  return find_entry(kind).recipe(dataset, horizon);
}

std::shared_ptr<Forecaster> make_forecaster(const std::string& kind, const ForecastShape& shape,
                                            const Json& config) {
  const ForecasterEntry& found = find_entry(kind);
  Json merged = found.defaults;
  for (const auto& [key, value] : config.items()) {
    if (!merged.contains(key))
      throw Error(kind + " has no hyperparameter '" + key +
                  "' (it has: " + key_list(found.defaults) + ")");
    merged[key] = value;
  }
  return found.make(shape, merged);
}

}  // namespace kiln::models
