#pragma once

// An HTML table whose numeric columns can mark their best cell (lowest or highest), as a
// paper's results table marks the best result in bold.
#include <cmath>
#include <string>
#include <vector>

#include "tools/report/metric_columns.h"

namespace kiln::tools::report {

struct TableColumn {
  std::string title{};
  Better better = Better::Neither;  // Lower or Higher: the best cell is marked
};

struct TableCell {
  std::string text{};           // shown (escaped when the table is written)
  double value = std::nan("");  // what the best is chosen by; NaN: not a candidate
};

TableCell text_cell(std::string text);
// The number with `digits` significant digits ("-" when not finite).
TableCell number_cell(double value, int digits = 4);

std::string html_table(const std::vector<TableColumn>& columns,
                       const std::vector<std::vector<TableCell>>& rows);

// A number as a report prints it: `digits` significant digits, no trailing zeros.
std::string format_number(double value, int digits = 4);

}  // namespace kiln::tools::report
