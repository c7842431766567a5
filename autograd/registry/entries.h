#pragma once

// The registry's entries, one function per op family (entries_*.cpp).
#include <vector>

#include "autograd/registry/op_registry.h"

namespace kiln::autograd {

void add_elementwise_entries(std::vector<OpEntry>& entries);
void add_reduction_entries(std::vector<OpEntry>& entries);
void add_shape_entries(std::vector<OpEntry>& entries);
void add_index_entries(std::vector<OpEntry>& entries);
void add_linalg_entries(std::vector<OpEntry>& entries);

}  // namespace kiln::autograd
