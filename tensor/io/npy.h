#pragma once

// NumPy's .npy format (numpy.lib.format, versions 1.0 to 3.0): a magic string, a version,
// a little-endian header length and a Python dict literal with 'descr', 'fortran_order' and
// 'shape', then the raw data.
#include <string>
#include <string_view>

#include "tensor/tensor.h"

namespace kiln {

// Writes a version 1.0 file (copied to the CPU, C order), atomically.
void save_npy(const std::string& path, const Tensor& tensor);
std::string npy_bytes(const Tensor& tensor);

// Reads '<f4', '<f8', '<i8' and '|b1' arrays, C or Fortran order; anything else, or a
// truncated or malformed file, throws kiln::Error naming the file and the problem.
Tensor load_npy(const std::string& path);
Tensor parse_npy(std::string_view bytes, const std::string& source = "buffer");

}  // namespace kiln
