#pragma once

// Text placed in HTML or SVG: every user string (a run's name, a config value, a channel's
// column) goes through `escaped`, so no input can break the page or inject markup.
#include <string>
#include <string_view>

namespace kiln::tools::report {

// &, <, >, " and ' as character references.
std::string escaped(std::string_view text);

// A number for an SVG coordinate: at most two decimals, no trailing zeros, "-0" as "0".
std::string coordinate(double value);

}  // namespace kiln::tools::report
