#include "tools/progress.h"

#include <unistd.h>

#include <cmath>
#include <utility>

namespace kiln::tools {

std::string format_duration(double seconds) {
  const auto total = static_cast<int64_t>(std::max(0.0, std::round(seconds)));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  }
  return text;
}

Progress::Progress(std::FILE* out, std::string rate_unit)
    : out_(out), rate_unit_(std::move(rate_unit)), interactive_(::isatty(::fileno(out)) == 1) {}

void Progress::start_epoch(int64_t epoch, int64_t epochs, int64_t steps) {
  epoch_ = epoch;
  epochs_ = epochs;
  steps_ = steps;
  epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
}

void Progress::update(int64_t done, double loss, double per_second) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
  const double eta =
      done > 0 ? elapsed / static_cast<double>(done) * static_cast<double>(steps_ - done) : 0;
  if (interactive_) {
    // At most ten redraws a second, and always the last one.
    if (done < steps_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(kWidth * done / std::max<int64_t>(steps_, 1));
    std::string bar(static_cast<size_t>(filled), '=');
    if (filled < kWidth) bar += '>';
    bar.resize(kWidth, ' ');
    std::fprintf(out_, "\r\033[Kepoch %lld/%lld [%s] %lld/%lld  loss %.4f  %.0f %s/s  ETA %s",
                 static_cast<long long>(epoch_), static_cast<long long>(epochs_), bar.c_str(),
                 static_cast<long long>(done), static_cast<long long>(steps_), loss, per_second,
                 rate_unit_.c_str(), format_duration(eta).c_str());
    bar_shown_ = true;
  } else {
    const int64_t every = std::max<int64_t>(steps_ / 10, 1);
    if (done % every != 0 && done != steps_) return;
    std::fprintf(out_, "epoch %lld/%lld step %lld/%lld loss %.4f %.0f %s/s eta %s\n",
                 static_cast<long long>(epoch_), static_cast<long long>(epochs_),
                 static_cast<long long>(done), static_cast<long long>(steps_), loss, per_second,
                 rate_unit_.c_str(), format_duration(eta).c_str());
  }
  std::fflush(out_);
}

void Progress::clear_bar() {
  if (bar_shown_) std::fprintf(out_, "\r\033[K");
  bar_shown_ = false;
}

void Progress::end_epoch(const std::string& summary) {
  message(summary);
}

void Progress::message(const std::string& line) {
  clear_bar();
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

}  // namespace kiln::tools
