#pragma once

// A row of a bad-input table: a call that must throw kiln::Error (not crash, not another
// exception type) with a message containing each expected part.
#include <gtest/gtest.h>

#include <exception>
#include <functional>
#include <ostream>
#include <string>
#include <typeinfo>
#include <vector>

#include "tensor/error.h"

namespace kiln {

struct BadCall {
  const char* name;
  std::function<void()> call;
  std::vector<std::string> message_contains;
};

inline void PrintTo(const BadCall& row, std::ostream* out) {
  *out << row.name;
}

inline void expect_kiln_error(const BadCall& row) {
  try {
    row.call();
  } catch (const Error& error) {
    const std::string message = error.what();
    for (const std::string& part : row.message_contains) {
      EXPECT_TRUE(message.find(part) != std::string::npos)
          << row.name << ": message lacks \"" << part << "\"; actual message: \"" << message
          << "\"";
    }
    return;
  } catch (const std::exception& error) {
    FAIL() << row.name << " threw " << typeid(error).name()
           << " instead of kiln::Error: " << error.what();
  } catch (...) {
    FAIL() << row.name << " threw a non-standard exception instead of kiln::Error";
  }
  FAIL() << row.name << " did not throw";
}

}  // namespace kiln
