#pragma once

// The figures kiln's TSP results are compared with.
#include <cstdint>
#include <optional>
#include <string_view>

namespace kiln::models {

// Kool, van Hoof and Welling, "Attention, Learn to Solve Routing Problems!" (ICLR 2019),
// Table 1: the average tour length on the 10,000 instances of tsp{20,50,100}_test_seed1234,
// to two decimals. `method` is "optimal" (Concorde; Gurobi and LKH3 agree) or a baseline
// name of models/tasks/tsp_baselines.h; nothing where the table has no such figure.
std::optional<double> kool_2019_average_length(std::string_view method, int64_t nodes);

}  // namespace kiln::models
