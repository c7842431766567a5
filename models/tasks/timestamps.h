#pragma once

// The timestamps of a time-series file, parsed with std::from_chars into std::chrono's
// calendar types (GCC 12 has no std::chrono::parse). Accepted, as the public forecasting
// files write them (ETT, electricity, traffic, weather, exchange_rate, illness):
//   YYYY-MM-DD, YYYY-MM-DD HH:MM, YYYY-MM-DD HH:MM:SS,
// with '/' in place of '-' (both separators the same), month, day and hour of one or two
// digits, and 'T' in place of the space. A timestamp carries no zone: it is read as UTC, so
// no day is 23 or 25 hours long.
#include <chrono>
#include <string_view>

namespace kiln::models {

// The instant `text` names, or why it names none.
struct TimestampParse {
  std::chrono::sys_seconds time{};
  std::string_view problem = {};  // empty when `time` holds the answer
};
TimestampParse parse_timestamp(std::string_view text);

}  // namespace kiln::models
