// Checks a headless-Chromium screenshot of a kiln report against where the page says its charts
// are: the page is not blank, every chart's box lies inside the image without overlapping
// another, is not blank itself, and shows at least one of its series' stroke colours.
//   screenshot_check SCREENSHOT.png DOM.html MIN_CHARTS
// DOM.html is Chromium's --dump-dom of the report with the measuring script (see
// test_report_browser.sh), holding <pre id="chart-boxes">{"charts": [...]}</pre>.
#include <png.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

// A pixel "is" a colour within this RGB distance: antialiasing and opacity shift edges.
constexpr double kColourTolerance = 48;
// A box is blank when fewer than this fraction of its pixels differ from white.
constexpr double kInkFraction = 0.005;

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
  const unsigned char* at(int x, int y) const {
    return &rgb[3 * (static_cast<size_t>(y) * width + x)];
  }
};

struct Box {
  int left, top, right, bottom;
  std::string title;
  std::vector<std::array<int, 3>> colours;
};

Image read_png(const char* path) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path))
    throw std::runtime_error(std::string("cannot read ") + path);
  png.format = PNG_FORMAT_RGB;
  Image image{static_cast<int>(png.width), static_cast<int>(png.height), {}};
  image.rgb.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.rgb.data(), 0, nullptr))
    throw std::runtime_error(std::string("cannot decode ") + path);
  return image;
}

std::string unescaped(std::string text) {
  for (const auto& [entity, character] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}})
    for (size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
      text.replace(at, entity.size(), character);
  return text;
}

// "rgb(0, 114, 178)" -> {0, 114, 178}; anything else (none, url(...)) is skipped.
bool parse_rgb(const std::string& css, std::array<int, 3>& rgb) {
  return std::sscanf(css.c_str(), "rgb(%d, %d, %d)", &rgb[0], &rgb[1], &rgb[2]) == 3;
}

std::vector<Box> read_boxes(const char* dom_path) {
  std::ifstream in(dom_path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string dom = text.str();
  const std::string open = "<pre id=\"chart-boxes\">";
  const size_t start = dom.find(open), end = dom.find("</pre>", start);
  if (start == std::string::npos || end == std::string::npos)
    throw std::runtime_error("the page's measurements are missing from the DOM dump");
  const nlohmann::json measured =
      nlohmann::json::parse(unescaped(dom.substr(start + open.size(), end - start - open.size())));
  std::vector<Box> boxes;
  for (const nlohmann::json& chart : measured["charts"]) {
    Box box{static_cast<int>(std::lround(chart["x"].get<double>())),
            static_cast<int>(std::lround(chart["y"].get<double>())),
            static_cast<int>(std::lround(chart["x"].get<double>() + chart["width"].get<double>())),
            static_cast<int>(std::lround(chart["y"].get<double>() + chart["height"].get<double>())),
            chart.value("title", ""),
            {}};
    for (const nlohmann::json& colour : chart["colours"])
      if (std::array<int, 3> rgb{}; parse_rgb(colour.get<std::string>(), rgb))
        box.colours.push_back(rgb);
    boxes.push_back(box);
  }
  return boxes;
}

bool near(const unsigned char* pixel, const std::array<int, 3>& colour) {
  const double dr = pixel[0] - colour[0], dg = pixel[1] - colour[1], db = pixel[2] - colour[2];
  return std::sqrt(dr * dr + dg * dg + db * db) <= kColourTolerance;
}

double ink_fraction(const Image& image, const Box& box) {
  size_t ink = 0, total = 0;
  for (int y = box.top; y < box.bottom; ++y)
    for (int x = box.left; x < box.right; ++x, ++total) {
      const unsigned char* p = image.at(x, y);
      ink += p[0] < 245 || p[1] < 245 || p[2] < 245;
    }
  return total ? static_cast<double>(ink) / static_cast<double>(total) : 0;
}

bool shows_a_series_colour(const Image& image, const Box& box) {
  for (int y = box.top; y < box.bottom; ++y)
    for (int x = box.left; x < box.right; ++x)
      for (const auto& colour : box.colours)
        if (near(image.at(x, y), colour)) return true;
  return false;
}

bool overlaps(const Box& a, const Box& b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

// The problems found with one chart, as text (empty when none).
std::string problems(const Image& image, const std::vector<Box>& boxes, size_t i) {
  const Box& box = boxes[i];
  std::string found;
  if (box.left < 0 || box.top < 0 || box.right > image.width || box.bottom > image.height ||
      box.right - box.left < 100 || box.bottom - box.top < 60)
    return " lies outside the screenshot or is too small";
  for (size_t j = 0; j < i; ++j)
    if (overlaps(box, boxes[j])) found += " overlaps chart " + std::to_string(j + 1) + ";";
  if (ink_fraction(image, box) < kInkFraction) found += " is blank;";
  if (box.colours.empty())
    found += " has no series colour to look for;";
  else if (!shows_a_series_colour(image, box))
    found += " shows none of its series' colours;";
  return found;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s SCREENSHOT.png DOM.html MIN_CHARTS\n", argv[0]);
    return 2;
  }
  try {
    const Image image = read_png(argv[1]);
    const std::vector<Box> boxes = read_boxes(argv[2]);
    const Box page{0, 0, image.width, image.height, "page", {}};
    int failures = 0;
    std::printf("screenshot %dx%d, page ink %.1f%%, %zu charts\n", image.width, image.height,
                100 * ink_fraction(image, page), boxes.size());
    if (ink_fraction(image, page) < kInkFraction) ++failures, std::printf("the page is blank\n");
    if (boxes.size() < std::stoul(argv[3]))
      ++failures, std::printf("fewer charts than %s\n", argv[3]);
    for (size_t i = 0; i < boxes.size(); ++i) {
      const std::string found = problems(image, boxes, i);
      std::printf("chart %zu '%s' at (%d, %d) %dx%d: ink %.1f%%%s\n", i + 1, boxes[i].title.c_str(),
                  boxes[i].left, boxes[i].top, boxes[i].right - boxes[i].left,
                  boxes[i].bottom - boxes[i].top,
                  found.rfind(" lies", 0) == 0 ? 0.0 : 100 * ink_fraction(image, boxes[i]),
                  found.empty() ? "" : (":" + found).c_str());
      failures += !found.empty();
    }
    std::printf(failures ? "screenshot check failed\n" : "screenshot check passed\n");
    return failures ? 1 : 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "screenshot_check: %s\n", error.what());
    return 1;
  }
}
