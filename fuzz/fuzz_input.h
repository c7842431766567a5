#pragma once

// What every fuzz target checks of its reader: any input is read, or refused with a
// kiln::Error. Any other exception escapes LLVMFuzzerTestOneInput and ends the process
// (std::terminate), which libFuzzer reports as a crash, as it does a sanitizer's finding, a
// leak or a timeout.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tensor/error.h"

namespace kiln::fuzz {

inline std::string_view bytes_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `read`, taking a kiln::Error as the reader refusing the input; returns libFuzzer's 0.
template <typename Read>
int read_or_refuse(Read read) {
  try {
    read();
  } catch (const Error&) {
  }
  return 0;
}

// A property that an accepted input broke (a round trip that changed the data): a crash
// for libFuzzer to report.
inline void require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: %s does not hold\n", property);
  std::abort();
}

}  // namespace kiln::fuzz
