#include "models/tasks/timestamps.h"

#include <charconv>
#include <optional>

namespace kiln::models {

namespace {

using std::chrono::sys_seconds;

constexpr std::string_view kNotATimestamp =
    "is not a timestamp (YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS; '/' may "
    "separate the date, 'T' the time)";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The number in the next min_digits .. max_digits decimal digits of `text`, which it consumes.
std::optional<unsigned> take_number(std::string_view& text, size_t min_digits, size_t max_digits) {
  size_t digits = 0;
  while (digits < text.size() && digits < max_digits && is_digit(text[digits])) ++digits;
  if (digits < min_digits) return std::nullopt;
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + digits, value);
  text.remove_prefix(digits);
  return value;
}

// Consumes the first character of `text` when it is one of `accepted`, and returns it.
char take_one_of(std::string_view& text, std::string_view accepted) {
  if (text.empty() || accepted.find(text.front()) == std::string_view::npos) return '\0';
  const char taken = text.front();
  text.remove_prefix(1);
  return taken;
}

}  // namespace

TimestampParse parse_timestamp(std::string_view text) {
  const auto year = take_number(text, 4, 4);
  const char separator = take_one_of(text, "-/");
  const auto month = take_number(text, 1, 2);
  const bool same_separator = separator != '\0' && take_one_of(text, "-/") == separator;
  const auto day = take_number(text, 1, 2);
  if (!year || !month || !same_separator || !day) return {.problem = kNotATimestamp};
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(*year)),
                                         std::chrono::month(*month), std::chrono::day(*day)};
  if (!date.ok()) return {.problem = "names a day that does not exist"};
  const sys_seconds midnight{std::chrono::sys_days(date)};
  if (text.empty()) return {.time = midnight};

  std::optional<unsigned> hour, minute, second = 0;
  if (take_one_of(text, " T")) hour = take_number(text, 1, 2);
  if (hour && take_one_of(text, ":")) minute = take_number(text, 2, 2);
  if (minute && take_one_of(text, ":")) second = take_number(text, 2, 2);
  if (!hour || !minute || !second || !text.empty()) return {.problem = kNotATimestamp};
  if (*hour > 23 || *minute > 59 || *second > 59)
    return {.problem = "names a time of day that does not exist"};
  return {.time = midnight + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
                  std::chrono::seconds(*second)};
}

}  // namespace kiln::models
