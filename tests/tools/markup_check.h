#pragma once

// Checks that HTML or SVG text is well formed the way kiln writes it: every element closed in
// order (HTML's void elements and self-closed "<x/>" aside), attributes quoted, no stray '<'.
// Returns the first problem found, or an empty string.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::testing {

inline std::string markup_problem(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kVoid = {"meta",  "br",   "img",
                                                            "input", "link", "hr"};
  std::vector<std::string> open;
  for (size_t at = text.find('<'); at != std::string_view::npos; at = text.find('<', at + 1)) {
    if (text.substr(at, 4) == "<!--") {
      at = text.find("-->", at);
      if (at == std::string_view::npos) return "an unclosed comment";
      continue;
    }
    if (text.substr(at, 2) == "<!") continue;  // the doctype
    const size_t end = text.find('>', at);
    if (end == std::string_view::npos) return "a '<' without '>' at " + std::to_string(at);
    const std::string_view tag = text.substr(at + 1, end - at - 1);
    if (tag.find('<') != std::string_view::npos)
      return "a '<' inside a tag at " + std::to_string(at);
    const bool closing = !tag.empty() && tag[0] == '/';
    const std::string name(tag.substr(closing, tag.find_first_of(" \n/", closing) - closing));
    if (name.empty()) return "an empty tag at " + std::to_string(at);
    size_t quotes = 0;
    for (const char c : tag) quotes += c == '"';
    if (quotes % 2) return "an unbalanced quote in <" + name + ">";
    if (closing) {
      if (open.empty() || open.back() != name)
        return "</" + name + "> closes <" + (open.empty() ? std::string("nothing") : open.back()) +
               ">";
      open.pop_back();
    } else if (tag.back() != '/' && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      open.push_back(name);
    }
  }
  return open.empty() ? "" : "<" + open.back() + "> is never closed";
}

}  // namespace kiln::testing
