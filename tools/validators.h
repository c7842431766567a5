#pragma once

// Option checks whose messages read well ("--lr: must be positive, got -1").
#include <CLI/CLI.hpp>

#include <string>

namespace kiln::tools {

inline CLI::Validator number_above(double bound, bool inclusive, const char* description) {
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        size_t used = 0;
        double value = 0;
        try {
          value = std::stod(input, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != input.size()) return "'" + input + "' is not a number";
        const bool fits = inclusive ? value >= bound : value > bound;
        return fits ? std::string() : std::string("must be ") + description + ", got " + input;
      },
      description);
}

inline const CLI::Validator kPositive = number_above(0, false, "positive");
inline const CLI::Validator kNonNegative = number_above(0, true, "non-negative");

}  // namespace kiln::tools
