#include "tools/report/html_table.h"

#include <cstdio>
#include <sstream>

#include "tools/report/markup.h"

namespace kiln::tools::report {

namespace {

// The rows holding the column's best value (ties all marked); none when the column has no
// direction or no finite value.
std::vector<bool> best_rows(const std::vector<std::vector<TableCell>>& rows, size_t column,
                            Better better) {
  std::vector<bool> best(rows.size(), false);
  if (better == Better::Neither) return best;
  double best_value = std::nan("");
  for (const auto& row : rows) {
    const double value = row[column].value;
    if (!std::isfinite(value)) continue;
    if (std::isnan(best_value) ||
        (better == Better::Lower ? value < best_value : value > best_value))
      best_value = value;
  }
  for (size_t r = 0; r < rows.size(); ++r)
    best[r] = std::isfinite(best_value) && rows[r][column].value == best_value;
  return best;
}

}  // namespace

TableCell text_cell(std::string text) {
  return {.text = std::move(text)};
}

TableCell number_cell(double value, int digits) {
  return {.text = format_number(value, digits), .value = value};
}

std::string format_number(double value, int digits) {
  if (!std::isfinite(value)) return "-";
  char text[48];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}

std::string html_table(const std::vector<TableColumn>& columns,
                       const std::vector<std::vector<TableCell>>& rows) {
  std::vector<std::vector<bool>> best;
  for (size_t c = 0; c < columns.size(); ++c) best.push_back(best_rows(rows, c, columns[c].better));
  std::ostringstream html;
  html << "<table>\n<thead><tr>";
  for (const TableColumn& column : columns) html << "<th>" << escaped(column.title) << "</th>";
  html << "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    html << "<tr>";
    for (size_t c = 0; c < columns.size() && c < rows[r].size(); ++c) {
      const bool numeric = std::isfinite(rows[r][c].value);
      html << "<td"
           << (best[c][r] ? " class=\"number best\""
               : numeric  ? " class=\"number\""
                          : "")
           << ">" << escaped(rows[r][c].text) << "</td>";
    }
    html << "</tr>\n";
  }
  html << "</tbody>\n</table>\n";
  return html.str();
}

}  // namespace kiln::tools::report
