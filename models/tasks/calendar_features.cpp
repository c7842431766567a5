#include "models/tasks/calendar_features.h"

namespace kiln::models {

int64_t calendar_feature_count(CalendarFrequency frequency) {
  return frequency == CalendarFrequency::Minutely ? 5 : 4;
}

std::vector<double> calendar_features(const std::vector<std::chrono::sys_seconds>& timestamps,
                                      CalendarFrequency frequency) {
  using namespace std::chrono;
  std::vector<double> features;
  features.reserve(timestamps.size() * static_cast<size_t>(calendar_feature_count(frequency)));
  for (const sys_seconds time : timestamps) {
    const sys_days day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    const auto day_of_year = (day - sys_days{date.year() / January / 1}).count() + 1;
    const auto day_of_week = weekday{day}.iso_encoding() - 1;
    if (frequency == CalendarFrequency::Minutely)
      features.push_back(clock.minutes().count() / 59.0 - 0.5);
    features.push_back(clock.hours().count() / 23.0 - 0.5);
    features.push_back(day_of_week / 6.0 - 0.5);
    features.push_back((static_cast<unsigned>(date.day()) - 1) / 30.0 - 0.5);
    features.push_back((day_of_year - 1) / 365.0 - 0.5);
  }
  return features;
}

}  // namespace kiln::models
