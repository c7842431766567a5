#pragma once

// The calendar features forecasters take beside the values (Time-Series-Library's
// utils/timefeatures.py with timeenc=1, after gluonts's time_feature/_base.py): each a
// position in its cycle scaled to [-0.5, 0.5],
//   MinuteOfHour minute / 59 - 0.5     (minute data only, first)
//   HourOfDay    hour / 23 - 0.5
//   DayOfWeek    weekday / 6 - 0.5     (Monday = 0)
//   DayOfMonth   (day - 1) / 30 - 0.5
//   DayOfYear    (day of year - 1) / 365 - 0.5
// computed in double, as pandas does.
#include <chrono>
#include <cstdint>
#include <vector>

namespace kiln::models {

// The reference's --freq: 'h' (its default, which none of its long-term forecasting scripts
// changes, ETTm included) or 't'.
enum class CalendarFrequency { Hourly, Minutely };

int64_t calendar_feature_count(CalendarFrequency frequency);  // 4 or 5

// Row-major [timestamps.size(), calendar_feature_count(frequency)].
std::vector<double> calendar_features(const std::vector<std::chrono::sys_seconds>& timestamps,
                                      CalendarFrequency frequency);

}  // namespace kiln::models
