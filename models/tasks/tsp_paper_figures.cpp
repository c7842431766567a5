#include "models/tasks/tsp_paper_figures.h"

#include <array>

namespace kiln::models {

namespace {

struct TableRow {
  std::string_view method;
  std::array<double, 3> lengths;  // n = 20, 50, 100
};

constexpr std::array<TableRow, 5> kKool2019Table1{{
    {"optimal", {3.84, 5.70, 7.76}},
    {"nearest_insertion", {4.33, 6.78, 9.46}},
    {"random_insertion", {4.00, 6.13, 8.52}},
    {"farthest_insertion", {3.93, 6.01, 8.35}},
    {"nearest_neighbour", {4.50, 7.00, 9.68}},
}};

}  // namespace

std::optional<double> kool_2019_average_length(std::string_view method, int64_t nodes) {
  const int column = nodes == 20 ? 0 : nodes == 50 ? 1 : nodes == 100 ? 2 : -1;
  if (column < 0) return std::nullopt;
  for (const TableRow& row : kKool2019Table1) {
    if (row.method == method) return row.lengths[column];
  }
  return std::nullopt;
}

}  // namespace kiln::models
