#include "tools/csv_log.h"

#include <charconv>
#include <string_view>

#include "tensor/io/atomic_file.h"

namespace kiln::tools {

namespace {

// Whether `row`'s first column is a key at most `kept_through`.
bool keyed_at_most(std::string_view row, int64_t kept_through) {
  int64_t key = 0;
  const char* const end = row.data() + row.size();
  const auto [after, error] = std::from_chars(row.data(), end, key);
  return error == std::errc() && after != end && *after == ',' && key <= kept_through;
}

// The rows after the file's header that are keyed at most `kept_through`, each with its
// newline; a last row without its newline was torn by a kill and is dropped.
std::string kept_rows(const std::string& text, int64_t kept_through) {
  std::string rows;
  const size_t header_end = text.find('\n');
  if (header_end == std::string::npos) return rows;
  for (size_t start = header_end + 1, end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1) {
    const std::string_view row(text.data() + start, end - start);
    if (keyed_at_most(row, kept_through)) rows.append(row).append("\n");
  }
  return rows;
}

}  // namespace

CsvLog::CsvLog(std::filesystem::path file, std::string header, int64_t kept_through)
    : file_(std::move(file)), header_(std::move(header)) {
  if (!std::filesystem::exists(file_)) return;
  write_file_atomically(file_.string(),
                        header_ + "\n" + kept_rows(read_file(file_.string()), kept_through));
}

void CsvLog::append(const std::vector<std::string>& rows) const {
  std::string text;
  if (!std::filesystem::exists(file_) || std::filesystem::file_size(file_) == 0)
    text = header_ + "\n";
  for (const std::string& row : rows) text += row + "\n";
  append_file_durably(file_.string(), text);
}

}  // namespace kiln::tools
