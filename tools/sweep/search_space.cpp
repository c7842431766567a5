#include "tools/sweep/search_space.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>

#include "tensor/error.h"

namespace kiln::tools::sweep {

namespace {

// Uniform in [0, 1) from the generator's top 53 bits: the same numbers on every standard
// library, unlike std::uniform_real_distribution's.
double unit_draw(std::mt19937_64& generator) {
  return static_cast<double>(generator() >> 11) * 0x1.0p-53;
}

// t in [0, 1] mapped onto [low, high], geometrically on a log range.
double spread(double low, double high, bool log, double t) {
  return log ? std::exp(std::lerp(std::log(low), std::log(high), t)) : std::lerp(low, high, t);
}

nlohmann::json draw(const Domain& domain, std::mt19937_64& generator) {
  const double t = unit_draw(generator);
  switch (domain.kind) {
    case Domain::Kind::Choices: {
      const size_t count = domain.choices.size();
      return domain
          .choices[std::min(static_cast<size_t>(t * static_cast<double>(count)), count - 1)];
    }
    case Domain::Kind::Int: {
      // Each integer owns [k - 0.5, k + 0.5) of the stretched range (Optuna's log-int too).
      const double value = spread(domain.low - 0.5, domain.high + 0.5, domain.log, t);
      return static_cast<int64_t>(std::clamp(std::round(value), domain.low, domain.high));
    }
    case Domain::Kind::Float:
      return std::clamp(spread(domain.low, domain.high, domain.log, t), domain.low, domain.high);
  }
  return nullptr;
}

std::vector<nlohmann::json> integers(int64_t low, int64_t high) {
  std::vector<nlohmann::json> values;
  for (int64_t value = low; value <= high; ++value) values.emplace_back(value);
  return values;
}

std::vector<nlohmann::json> random_trials(const SweepSpec& spec) {
  std::mt19937_64 generator(spec.seed);
  std::vector<nlohmann::json> trials;
  for (int64_t trial = 0; trial < spec.trials; ++trial) {
    nlohmann::json values = nlohmann::json::object();
    for (const Parameter& parameter : spec.parameters)
      values[parameter.name] = draw(parameter.domain, generator);
    trials.push_back(std::move(values));
  }
  return trials;
}

// The cartesian product as an odometer: the last option's index turns fastest.
std::vector<nlohmann::json> grid_trials(const SweepSpec& spec) {
  std::vector<std::vector<nlohmann::json>> axes;
  for (const Parameter& parameter : spec.parameters) axes.push_back(grid_values(parameter.domain));
  std::vector<size_t> index(axes.size(), 0);
  std::vector<nlohmann::json> trials;
  for (int64_t trial = 0; trial < spec.trials; ++trial) {
    nlohmann::json values = nlohmann::json::object();
    for (size_t i = 0; i < axes.size(); ++i) values[spec.parameters[i].name] = axes[i][index[i]];
    trials.push_back(std::move(values));
    for (size_t i = axes.size(); i-- > 0;) {
      if (++index[i] < axes[i].size()) break;
      index[i] = 0;
    }
  }
  return trials;
}

std::vector<std::string> option_arguments(const Parameter& parameter, const nlohmann::json& value) {
  const std::string text = argument_text(value);
  return {parameter.option, parameter.key.empty() ? text : parameter.key + "=" + text};
}

std::string command_text(const std::vector<std::string>& arguments) {
  std::string text = "kiln";
  for (const std::string& argument : arguments) text += " " + argument;
  return text;
}

// The values that stand for an option's domain when checking it alone: every choice, or
// both ends of a range.
std::vector<nlohmann::json> representative_values(const Domain& domain) {
  if (domain.kind == Domain::Kind::Choices) return domain.choices;
  if (domain.kind == Domain::Kind::Int)
    return {static_cast<int64_t>(domain.low), static_cast<int64_t>(domain.high)};
  return {domain.low, domain.high};
}

}  // namespace

std::vector<nlohmann::json> grid_values(const Domain& domain) {
  if (domain.kind == Domain::Kind::Choices) return domain.choices;
  if (domain.kind == Domain::Kind::Int && domain.points == 0)
    return integers(static_cast<int64_t>(domain.low), static_cast<int64_t>(domain.high));
  std::vector<double> points;
  for (int64_t i = 0; i < domain.points; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(domain.points - 1);
    points.push_back(i == 0                   ? domain.low
                     : i == domain.points - 1 ? domain.high
                                              : spread(domain.low, domain.high, domain.log, t));
  }
  std::vector<nlohmann::json> values;
  for (const double point : points) {
    if (domain.kind == Domain::Kind::Float) {
      values.emplace_back(point);
      continue;
    }
    const auto rounded = static_cast<int64_t>(std::round(point));
    if (values.empty() || values.back().get<int64_t>() != rounded) values.emplace_back(rounded);
  }
  return values;
}

double grid_size_bound(const Domain& domain) {
  if (domain.kind == Domain::Kind::Choices) return static_cast<double>(domain.choices.size());
  if (domain.points > 0) return static_cast<double>(domain.points);
  return domain.high - domain.low + 1;
}

std::vector<nlohmann::json> trial_configurations(const SweepSpec& spec) {
  return spec.method == SearchMethod::Grid ? grid_trials(spec) : random_trials(spec);
}

std::string argument_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value.get<double>()).ptr;
    return std::string(text, end);
  }
  return value.dump();
}

std::vector<std::string> trial_arguments(const SweepSpec& spec, const nlohmann::json& values) {
  std::vector<std::string> arguments = spec.command;
  for (const Parameter& parameter : spec.parameters) {
    const std::vector<std::string> option = option_arguments(parameter, values.at(parameter.name));
    arguments.insert(arguments.end(), option.begin(), option.end());
  }
  return arguments;
}

std::vector<std::string> budget_arguments(const std::string& directory, int64_t epochs,
                                          int64_t threads) {
  return {
      "--out", directory, "--epochs", std::to_string(epochs), "--threads", std::to_string(threads)};
}

void check_trial_arguments(const SweepSpec& spec, const std::vector<nlohmann::json>& trials,
                           const ArgumentCheck& check) {
  std::vector<std::string> sweep_part =
      budget_arguments("trial-000", spec.max_epochs, spec.threads_per_trial);
  sweep_part.insert(sweep_part.end(), {"--stop-at-epoch", std::to_string(spec.min_epochs)});
  const auto checked = [&](std::vector<std::string> arguments, const std::string& field) {
    arguments.insert(arguments.end(), sweep_part.begin(), sweep_part.end());
    try {
      check(arguments);
    } catch (const Error& error) {
      throw Error(field + ": " + error.what() + " (in `" + command_text(arguments) + "`)");
    }
  };
  checked(spec.command, "command");
  for (const Parameter& parameter : spec.parameters) {
    for (const nlohmann::json& value : representative_values(parameter.domain)) {
      std::vector<std::string> arguments = spec.command;
      const std::vector<std::string> option = option_arguments(parameter, value);
      arguments.insert(arguments.end(), option.begin(), option.end());
      checked(arguments, "parameters." + parameter.name);
    }
  }
  for (size_t trial = 0; trial < trials.size(); ++trial)
    checked(trial_arguments(spec, trials[trial]), "trial " + std::to_string(trial));
}

}  // namespace kiln::tools::sweep
