#include "tensor/io/json_input.h"

namespace kiln {

namespace {

// `field` names `json` in messages: "tours[0].tour[2]".
void check_integers_at(const nlohmann::json& json, const std::string_view* step,
                       const std::string_view* end, const std::string& field,
                       const std::string& source) {
  if (step == end) {
    KILN_CHECK(!json.is_number_float(), source, ": ", field, " holds ", json.dump(),
               ", not an integer");
    return;
  }
  const std::string dot = field.empty() ? "" : ".";
  if (*step != "*") {
    const std::string key(*step);
    if (json.is_object() && json.contains(key))
      check_integers_at(json.at(key), step + 1, end, field + dot + key, source);
  } else if (json.is_array()) {
    for (size_t i = 0; i < json.size(); ++i)
      check_integers_at(json[i], step + 1, end, detail::concat(field, "[", i, "]"), source);
  } else if (json.is_object()) {
    for (const auto& [key, value] : json.items())
      check_integers_at(value, step + 1, end, field + dot + key, source);
  }
}

}  // namespace

void check_integers(const nlohmann::json& json, std::initializer_list<std::string_view> path,
                    const std::string& source) {
  check_integers_at(json, path.begin(), path.end(), "", source);
}

}  // namespace kiln
