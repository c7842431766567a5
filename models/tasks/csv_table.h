#pragma once

// A small CSV reader for numeric tables: a header row, then rows of the same number of
// comma-separated cells. It reads one row at a time into a reused buffer, so memory follows
// the text actually present, never a size the file claims. Accepted:
//  - LF or CRLF line ends, a UTF-8 byte-order mark, blank lines (skipped, as pandas does);
//  - spaces and tabs around a cell (dropped);
//  - a cell in double quotes, "" standing for one quote; a quoted cell ends on its line
//    (a number or timestamp table never needs a line break inside a cell).
// Every malformed input throws kiln::Error naming the source, the row as an editor numbers
// the lines (the header is row 1) and the column by number (1-based) and name.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::models {

class CsvReader {
 public:
  // Reads the header row; throws when there is none, or a name is empty or repeated. The
  // reader keeps a view of `text`, which must outlive it.
  CsvReader(std::string_view text, std::string source);

  const std::string& source() const { return source_; }
  const std::vector<std::string>& header() const { return header_; }
  int64_t columns() const { return static_cast<int64_t>(header_.size()); }

  // Moves to the next data row; false at the end of the text. Throws on a row with more or
  // fewer cells than the header, or a broken quote.
  bool next_row();
  int64_t row() const { return row_; }  // the current row's line number
  std::string_view cell(int64_t column) const { return cells_[static_cast<size_t>(column)]; }
  // The current cell as a finite number (std::from_chars); throws on anything else,
  // including an empty cell, NaN and infinities, which the forecasting protocol cannot use.
  double number(int64_t column) const;

  // "SOURCE row R, column C (NAME)", for messages about the current row.
  std::string where(int64_t column) const;
  [[noreturn]] void fail(int64_t column, const std::string& problem) const;

 private:
  bool next_line(std::string_view& line);
  void split(std::string_view line);

  std::string_view text_;
  std::string source_;
  std::vector<std::string> header_;
  std::vector<std::string> cells_;  // the current row, reused from row to row
  size_t offset_ = 0;               // where the next line starts in text_
  int64_t line_ = 0;                // the last line read
  int64_t row_ = 0;
};

}  // namespace kiln::models
