#include "tools/report/svg_elements.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "tools/report/markup.h"

namespace kiln::tools::report::svg {

namespace {

constexpr double kEmPerCharacter = 0.6;

// A UTF-8 character's first byte (any byte but a continuation 10xxxxxx).
bool starts_character(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
}

size_t characters_in(std::string_view text) {
  size_t count = 0;
  for (const char byte : text) count += starts_character(byte) ? 1 : 0;
  return count;
}

}  // namespace

std::string open(int width, int height, std::string_view title) {
  const std::string w = std::to_string(width), h = std::to_string(height);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-title=\"" +
         escaped(title) + "\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " +
         h + "\" role=\"img\" font-family=\"Helvetica, Arial, 'Liberation Sans', sans-serif\"" +
         " font-size=\"" + coordinate(kTickFont) + "\" fill=\"" + std::string(kTextColour) +
         "\">\n<title>" + escaped(title) + "</title>\n<rect width=\"" + w + "\" height=\"" + h +
         "\" fill=\"#fff\"/>\n";
}

std::string title(std::string_view title, int chart_width) {
  if (title.empty()) return "";
  return text(10, 22, fitted(title, chart_width - 20, kTitleFont),
              "class=\"chart-title\" font-size=\"14\" font-weight=\"600\"");
}

double text_width(std::string_view text, double font_px) {
  return static_cast<double>(characters_in(text)) * kEmPerCharacter * font_px;
}

double widest(const std::vector<std::string>& labels, double font_px) {
  double width = 0;
  for (const std::string& label : labels) width = std::max(width, text_width(label, font_px));
  return width;
}

std::string fitted(std::string_view text, double width_px, double font_px) {
  if (text_width(text, font_px) <= width_px) return std::string(text);
  const double fitting = std::floor(width_px / (kEmPerCharacter * font_px)) - 1;
  const size_t keep = fitting > 0 ? static_cast<size_t>(fitting) : 0;
  size_t end = 0;
  for (size_t kept = 0; end < text.size(); ++end) {
    if (!starts_character(text[end])) continue;
    if (kept == keep) break;
    ++kept;
  }
  return std::string(text.substr(0, end)) + "\u2026";
}

std::string text(double x, double y, std::string_view content, std::string_view attributes) {
  return "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\"" +
         (attributes.empty() ? "" : " ") + std::string(attributes) + ">" + escaped(content) +
         "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, std::string_view colour) {
  return "<line x1=\"" + coordinate(x1) + "\" y1=\"" + coordinate(y1) + "\" x2=\"" +
         coordinate(x2) + "\" y2=\"" + coordinate(y2) + "\" stroke=\"" + std::string(colour) +
         "\"/>\n";
}

std::string no_data(double centre_x, double centre_y) {
  return text(centre_x, centre_y, "no data",
              "class=\"no-data\" text-anchor=\"middle\" font-size=\"13\" fill=\"#888\"");
}

bool drawable(double value, Scale scale) {
  return std::isfinite(value) && (scale == Scale::Linear || value > 0);
}

double AxisMap::operator()(double value) const {
  const bool log = scale == Scale::Log;
  const double start = log ? std::log10(low) : low, end = log ? std::log10(high) : high;
  const double fraction =
      end > start ? ((log ? std::log10(value) : value) - start) / (end - start) : 0.5;
  // Bounded, so that a point far beyond fixed limits still prints as a short coordinate.
  constexpr double kFarthest = 1e6;
  return std::clamp(from + fraction * (to - from), -kFarthest, kFarthest);
}

std::string digest(std::string_view content) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a's offset basis and prime (64 bits)
  for (const char byte : content) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace kiln::tools::report::svg
