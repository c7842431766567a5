#include "models/tasks/csv_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_set>

#include "tensor/error.h"

namespace kiln::models {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// The cell as a message shows it: quoted, and cut short when long.
std::string quoted(std::string_view cell) {
  constexpr size_t kShown = 40;
  std::string text = "'";
  text.append(cell.substr(0, kShown)).append(cell.size() > kShown ? "...'" : "'");
  return text;
}

}  // namespace

CsvReader::CsvReader(std::string_view text, std::string source)
    : text_(text), source_(std::move(source)) {
  if (text_.starts_with(kByteOrderMark)) offset_ = kByteOrderMark.size();
  std::string_view line;
  KILN_CHECK(next_line(line), "CSV ", source_, ": no header row (the file is empty)");
  row_ = line_;
  split(line);
  header_.assign(cells_.begin(), cells_.end());
  std::unordered_set<std::string_view> seen;
  for (int64_t column = 0; column < columns(); ++column) {
    const std::string& name = header_[static_cast<size_t>(column)];
    if (name.empty()) fail(column, "the column has no name");
    if (!seen.insert(name).second) fail(column, "the column name is repeated");
  }
}

bool CsvReader::next_line(std::string_view& line) {
  while (offset_ < text_.size()) {
    const size_t end = std::min(text_.find('\n', offset_), text_.size());
    line = text_.substr(offset_, end - offset_);
    offset_ = end + 1;
    ++line_;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (!line.empty()) return true;
  }
  return false;
}

bool CsvReader::next_row() {
  std::string_view line;
  if (!next_line(line)) return false;
  row_ = line_;
  split(line);
  return true;
}

// Splits `line` into cells_. A row longer than the header stops at its first extra cell.
void CsvReader::split(std::string_view line) {
  const bool is_header = header_.empty();
  cells_.clear();
  size_t at = 0;
  while (true) {
    const auto column = static_cast<int64_t>(cells_.size());
    if (!is_header && column == columns()) fail(column, "the row has more cells than the header");
    while (at < line.size() && is_blank(line[at])) ++at;
    std::string& cell = cells_.emplace_back();
    if (at < line.size() && line[at] == '"') {
      for (++at;; ++at) {
        if (at == line.size()) fail(column, "the quote is not closed on its line");
        if (line[at] != '"') {
          cell += line[at];
        } else if (at + 1 < line.size() && line[at + 1] == '"') {
          cell += '"';
          ++at;
        } else {
          break;
        }
      }
      ++at;
      while (at < line.size() && is_blank(line[at])) ++at;
      if (at < line.size() && line[at] != ',') fail(column, "text follows the closing quote");
    } else {
      const size_t end = std::min(line.find(',', at), line.size());
      cell = trim_blanks(line.substr(at, end - at));
      at = end;
    }
    if (at == line.size()) break;
    ++at;  // the comma
  }
  if (!is_header && static_cast<int64_t>(cells_.size()) < columns())
    fail(static_cast<int64_t>(cells_.size()),
         detail::concat("the row has ", cells_.size(), " cells, the header ", columns()));
}

double CsvReader::number(int64_t column) const {
  const std::string_view text = cell(column);
  if (text.empty()) fail(column, "the cell is empty, a number is needed");
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range)
    fail(column, detail::concat(quoted(text), " is beyond the range of a double"));
  if (error != std::errc() || end != text.data() + text.size())
    fail(column, detail::concat(quoted(text), " is not a number"));
  if (!std::isfinite(value)) fail(column, detail::concat(quoted(text), " is not a finite number"));
  return value;
}

std::string CsvReader::where(int64_t column) const {
  std::string place = detail::concat(source_, " row ", row_, ", column ", column + 1);
  if (header_.empty()) return place;  // the header row itself is being read
  const std::string_view name = column < columns()
                                    ? std::string_view(header_[static_cast<size_t>(column)])
                                    : std::string_view("beyond the header");
  return detail::concat(place, " (", name, ")");
}

void CsvReader::fail(int64_t column, const std::string& problem) const {
  throw Error(detail::concat("CSV ", where(column), ": ", problem));
}

}  // namespace kiln::models
