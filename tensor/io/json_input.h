#pragma once

// Guards for JSON read from files, against two ways nlohmann::json fails on hostile input:
//  - it parses any depth but copies and prints a value recursively, one call per level, so a
//    200 KB file of '[' parses and then overflows the stack of whatever copies it;
//  - it reads a JSON float into an integer with a cast, undefined beyond the integer's range.
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tensor/error.h"

namespace kiln {

// Far deeper than any file kiln writes, far shallower than a stack holds.
inline constexpr int kMaxJsonDepth = 256;

// A parser callback that makes nesting deeper than kMaxJsonDepth a kiln::Error naming `source`:
// nlohmann::json::parse(text, json_depth_limit(source)).
template <typename Json = nlohmann::json>
typename Json::parser_callback_t json_depth_limit(std::string source) {
  return [source = std::move(source)](int depth, typename Json::parse_event_t, Json&) {
    KILN_CHECK(depth <= kMaxJsonDepth, source, ": JSON nested deeper than ", kMaxJsonDepth,
               " levels");
    return true;
  };
}

// Throws kiln::Error naming `source` and the field when a value at `path` (object keys, "*" for
// every element of an array or object) is a JSON float, before a reader converts it to an
// integer. Values of other types, and paths the JSON lacks, are left to the reader.
void check_integers(const nlohmann::json& json, std::initializer_list<std::string_view> path,
                    const std::string& source);

}  // namespace kiln
