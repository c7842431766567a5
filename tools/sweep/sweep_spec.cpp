#include "tools/sweep/sweep_spec.h"

#include <algorithm>
#include <cmath>

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/json_input.h"
#include "tools/sweep/search_space.h"

namespace kiln::tools::sweep {

namespace {

using Json = nlohmann::ordered_json;

// A grid larger than this is a mistake (an int range without points, a typo in a bound).
constexpr double kMostTrials = 100000;

std::string joined(const std::vector<std::string_view>& words) {
  std::string text;
  for (const std::string_view word : words) text += (text.empty() ? "" : ", ") + std::string(word);
  return text;
}

// A JSON object of the spec and where it is ("scheduler"), read so that every error names the
// field: unknown keys are refused up front, and each value is checked for its type.
class Fields {
 public:
  Fields(const Json& json, std::string path, std::vector<std::string_view> known)
      : json_(json), path_(std::move(path)) {
    KILN_CHECK(json.is_object(), path_.empty() ? "the spec" : path_, ": must be an object, got ",
               json.dump());
    for (const auto& item : json.items())
      KILN_CHECK(std::find(known.begin(), known.end(), item.key()) != known.end(),
                 field(item.key()), ": unknown key (known: ", joined(known), ")");
  }

  bool has(const std::string& key) const { return json_.contains(key); }
  std::string field(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  const Json& required(const std::string& key) const {
    KILN_CHECK(has(key), field(key), ": required");
    return json_.at(key);
  }
  std::string text(const std::string& key, const std::string& fallback = "") const {
    if (!has(key) && !fallback.empty()) return fallback;
    const Json& value = required(key);
    KILN_CHECK(value.is_string() && !value.get<std::string>().empty(), field(key),
               ": must be a non-empty string, got ", value.dump());
    return value.get<std::string>();
  }
  int64_t integer(const std::string& key, int64_t lowest) const {
    const Json& value = required(key);
    KILN_CHECK(value.is_number_integer() && value.get<int64_t>() >= lowest, field(key),
               ": must be an integer of at least ", lowest, ", got ", value.dump());
    return value.get<int64_t>();
  }
  int64_t integer(const std::string& key, int64_t lowest, int64_t fallback) const {
    return has(key) ? integer(key, lowest) : fallback;
  }
  bool flag(const std::string& key, bool fallback) const {
    if (!has(key)) return fallback;
    KILN_CHECK(json_.at(key).is_boolean(), field(key), ": must be true or false, got ",
               json_.at(key).dump());
    return json_.at(key).get<bool>();
  }
  // `key`'s value among `allowed`; the first is the default.
  std::string one_of(const std::string& key, const std::vector<std::string_view>& allowed) const {
    const std::string value = text(key, std::string(allowed.front()));
    KILN_CHECK(std::find(allowed.begin(), allowed.end(), value) != allowed.end(), field(key),
               ": must be one of ", joined(allowed), ", got \"", value, "\"");
    return value;
  }

 private:
  const Json& json_;
  std::string path_;
};

std::vector<nlohmann::json> parse_choices(const Fields& fields) {
  const Json& choices = fields.required("choices");
  KILN_CHECK(choices.is_array() && !choices.empty(), fields.field("choices"),
             ": must be a non-empty list, got ", choices.dump());
  std::vector<nlohmann::json> values;
  for (const Json& choice : choices) {
    KILN_CHECK(choice.is_primitive() && !choice.is_null(), fields.field("choices"),
               ": each choice must be a number, a string or a boolean, got ", choice.dump());
    values.push_back(nlohmann::json::parse(choice.dump()));
  }
  return values;
}

// "int": [low, high] or "float": [low, high], with "log" and "points".
void parse_range(const Fields& fields, const std::string& kind, const std::string& path,
                 Domain& domain) {
  const Json& range = fields.required(kind);
  const bool integral = kind == "int";
  KILN_CHECK(range.is_array() && range.size() == 2 &&
                 std::all_of(range.begin(), range.end(),
                             [&](const Json& end) {
                               return integral ? end.is_number_integer() : end.is_number();
                             }),
             fields.field(kind), ": must be [low, high] with ", integral ? "integers" : "numbers",
             ", got ", range.dump());
  domain.low = range[0].get<double>();
  domain.high = range[1].get<double>();
  KILN_CHECK(domain.low <= domain.high, fields.field(kind), ": an empty range, low ", range[0],
             " > high ", range[1]);
  domain.log = fields.flag("log", false);
  KILN_CHECK(!domain.log || domain.low > 0, path, ": a log range must lie above zero, got ",
             range.dump());
  if (fields.has("points")) domain.points = fields.integer("points", 2);
}

Parameter parse_parameter(const std::string& name, const Json& json, SearchMethod method) {
  const std::string path = "parameters." + name;
  const size_t space = name.find(' ');
  Parameter parameter{.name = name, .option = name.substr(0, space), .key = "", .domain = {}};
  if (space != std::string::npos) parameter.key = name.substr(space + 1);
  KILN_CHECK(parameter.option.starts_with("--") && parameter.option.size() > 2, path,
             ": not an option (options start with --; \"--set KEY\" for KEY=VALUE options)");
  KILN_CHECK(space == std::string::npos ||
                 (!parameter.key.empty() && parameter.key.find_first_of(" =") == std::string::npos),
             path, ": a KEY=VALUE option is written \"--option KEY\"");
  const Fields fields(json, path, {"choices", "int", "float", "log", "points"});
  const int kinds = fields.has("choices") + fields.has("int") + fields.has("float");
  KILN_CHECK(kinds == 1, path, ": give one of choices, int or float");
  Domain& domain = parameter.domain;
  if (fields.has("choices")) {
    domain.kind = Domain::Kind::Choices;
    domain.choices = parse_choices(fields);
    KILN_CHECK(!fields.has("log") && !fields.has("points"), path,
               ": log and points are for an int or float range, not choices");
    return parameter;
  }
  domain.kind = fields.has("int") ? Domain::Kind::Int : Domain::Kind::Float;
  parse_range(fields, fields.has("int") ? "int" : "float", path, domain);
  if (method == SearchMethod::Random) {
    KILN_CHECK(domain.points == 0, fields.field("points"), ": only a grid search takes points");
  } else {
    KILN_CHECK(domain.kind == Domain::Kind::Int || domain.points > 0, path,
               ": a grid over a float range needs \"points\"");
  }
  return parameter;
}

bool owned_by_sweep(const std::string& argument) {
  return std::any_of(kSweepOwnedOptions.begin(), kSweepOwnedOptions.end(),
                     [&](std::string_view option) {
                       return argument == option || argument.starts_with(std::string(option) + "=");
                     });
}

std::vector<std::string> parse_command(const Fields& top) {
  const Json& json = top.required("command");
  KILN_CHECK(json.is_array() && !json.empty() &&
                 std::all_of(json.begin(), json.end(), [](const Json& a) { return a.is_string(); }),
             "command: must be a non-empty list of strings (kiln's arguments), got ", json.dump());
  const std::vector<std::string> command = json.get<std::vector<std::string>>();
  KILN_CHECK(command.front() == "train",
             "command: a sweep runs `kiln train`: its first word must "
             "be \"train\", got \"",
             command.front(), "\"");
  for (const std::string& argument : command)
    KILN_CHECK(!owned_by_sweep(argument), "command: ", argument,
               " is the sweep's own (it sets --out, --epochs, --threads and --resume of every "
               "trial)");
  return command;
}

// Whether `command` already gives the parameter's option (for a KEY=VALUE option: that key).
bool command_gives(const std::vector<std::string>& command, const Parameter& parameter) {
  const std::string& option = parameter.option;
  for (size_t i = 0; i < command.size(); ++i) {
    // "--lr 0.1", "--lr=0.1"; "--set dropout=0.1", "--set=dropout=0.1".
    const std::string value = command[i] == option && i + 1 < command.size() ? command[i + 1]
                              : command[i].starts_with(option + "=")
                                  ? command[i].substr(option.size() + 1)
                                  : "";
    if (command[i] != option && value.empty()) continue;
    if (parameter.key.empty() || value.starts_with(parameter.key + "=")) return true;
  }
  return false;
}

std::vector<Parameter> parse_parameters(const Json& json, SearchMethod method,
                                        const std::vector<std::string>& command) {
  KILN_CHECK(json.is_object() && !json.empty(),
             "parameters: must be an object of at least one option, got ", json.dump());
  std::vector<Parameter> parameters;
  for (const auto& item : json.items()) {
    Parameter parameter = parse_parameter(item.key(), item.value(), method);
    KILN_CHECK(!owned_by_sweep(parameter.option), "parameters.", item.key(), ": the sweep sets ",
               parameter.option, " itself");
    KILN_CHECK(!command_gives(command, parameter), "parameters.", item.key(),
               ": the command gives it too");
    parameters.push_back(std::move(parameter));
  }
  return parameters;
}

void parse_search(const Fields& search, SweepSpec& spec) {
  if (spec.method == SearchMethod::Random) {
    spec.trials = search.integer("trials", 1);
    KILN_CHECK(spec.trials <= kMostTrials, search.field("trials"), ": at most ", kMostTrials);
  } else {
    KILN_CHECK(!search.has("trials"), search.field("trials"),
               ": a grid has one trial per point; leave it out");
    double bound = 1;
    for (const Parameter& parameter : spec.parameters) bound *= grid_size_bound(parameter.domain);
    KILN_CHECK(bound <= kMostTrials, "search: a grid of ", bound, " trials; at most ", kMostTrials);
    spec.trials = 1;
    for (const Parameter& parameter : spec.parameters)
      spec.trials *= static_cast<int64_t>(grid_values(parameter.domain).size());
  }
  spec.seed = static_cast<uint64_t>(search.integer("seed", 0, 0));
}

void parse_scheduler(const Fields& scheduler, SweepSpec& spec) {
  spec.asha = scheduler.one_of("kind", {"asha", "none"}) == "asha";
  spec.max_epochs = scheduler.integer("max_epochs", 1);
  if (!spec.asha) {
    for (const char* key : {"min_epochs", "reduction_factor"})
      KILN_CHECK(!scheduler.has(key), scheduler.field(key), ": only with kind \"asha\"");
    spec.min_epochs = spec.max_epochs;
    return;
  }
  spec.min_epochs = scheduler.integer("min_epochs", 1, 1);
  KILN_CHECK(spec.min_epochs <= spec.max_epochs, scheduler.field("min_epochs"), ": ",
             spec.min_epochs, " is more than max_epochs ", spec.max_epochs);
  spec.reduction_factor = scheduler.integer("reduction_factor", 2, 3);
}

void parse_metric(const Fields& top, SweepSpec& spec) {
  const TaskMetric task = default_metric(spec.command);
  spec.metric = top.text("metric", task.column);
  KILN_CHECK(top.has("mode") || spec.metric == task.column,
             "mode: required with a metric other than the task's ", task.column,
             " (\"min\" or \"max\")");
  spec.lower_is_better =
      top.has("mode") ? top.one_of("mode", {"min", "max"}) == "min" : task.lower_is_better;
}

}  // namespace

TaskMetric default_metric(const std::vector<std::string>& command) {
  const std::string task = command.size() > 1 ? command[1] : "";
  if (task == "forecast") return {"validation_mse", true};
  if (task == "tsp") return {"validation_length", true};
  return {"heldout_exact_match", false};
}

SweepSpec parse_sweep_spec(const Json& json) {
  const Fields top(json, "",
                   {"name", "command", "parameters", "search", "scheduler", "metric", "mode",
                    "threads_per_trial"});
  SweepSpec spec;
  spec.json = nlohmann::json::parse(json.dump());
  spec.name = top.text("name");
  KILN_CHECK(spec.name.find_first_of("/\\") == std::string::npos,
             "name: names the sweep's directory, so no slashes, got \"", spec.name, "\"");
  spec.command = parse_command(top);
  const Json search_json = json.value("search", Json::object());
  const Fields search(search_json, "search", {"method", "trials", "seed"});
  spec.method = search.one_of("method", {"random", "grid"}) == "grid" ? SearchMethod::Grid
                                                                      : SearchMethod::Random;
  spec.parameters = parse_parameters(top.required("parameters"), spec.method, spec.command);
  parse_search(search, spec);
  parse_scheduler(Fields(top.required("scheduler"), "scheduler",
                         {"kind", "min_epochs", "max_epochs", "reduction_factor"}),
                  spec);
  parse_metric(top, spec);
  spec.threads_per_trial = top.integer("threads_per_trial", 1, 1);
  return spec;
}

SweepSpec read_sweep_spec(const std::filesystem::path& file) {
  return parse_sweep_spec_text(read_file(file.string()), file.string());
}

SweepSpec parse_sweep_spec_text(std::string_view text, const std::string& source) {
  Json json;
  try {
    json = Json::parse(text, json_depth_limit<Json>("sweep spec '" + source + "'"));
  } catch (const nlohmann::json::exception& error) {
    throw Error(detail::concat("sweep spec '", source, "' is not valid JSON: ", error.what()));
  }
  try {
    return parse_sweep_spec(json);
  } catch (const Error& error) {
    throw Error(detail::concat("sweep spec '", source, "': ", error.what()));
  }
}

}  // namespace kiln::tools::sweep
