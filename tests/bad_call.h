#pragma once

// A row of a bad-input table: a call that must throw kiln::Error (not crash, not another
// exception type) with a message containing each expected part. The op registry's entries
// carry the ops' own rows (autograd/registry/op_registry.h); these tables hold the rest.
#include <gtest/gtest.h>

#include <ostream>

#include "autograd/registry/op_registry.h"

namespace kiln {

using BadCall = autograd::BadInput;

inline void expect_kiln_error(const BadCall& row) {
  const std::string failure = autograd::check_bad_input(row);
  EXPECT_EQ(failure, "") << failure;
}

}  // namespace kiln

namespace kiln::autograd {
inline void PrintTo(const BadInput& row, std::ostream* out) {
  *out << row.name;
}
}  // namespace kiln::autograd
