#pragma once

// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length, a JSON header mapping each tensor's name to its dtype, shape
// and [begin, end) byte offsets into the data that follows, and an optional
// "__metadata__" object of strings. Files open in PyTorch, NumPy, JAX and other tools.
#include <map>
#include <string>

#include "tensor/tensor.h"

namespace kiln {

struct Safetensors {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

// Writes the tensors (copied to the CPU, row-major) atomically. Names must be non-empty and
// not "__metadata__".
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});
std::string safetensors_bytes(const std::map<std::string, Tensor>& tensors,
                              const std::map<std::string, std::string>& metadata = {});

// Reads a file, validating everything the header claims against the file's size: a
// truncated or corrupt file, offsets outside the data, overlapping or leaving holes, a size
// that does not match dtype and shape, or an unsupported dtype each throw kiln::Error naming
// the file and the problem.
Safetensors load_safetensors(const std::string& path);
Safetensors parse_safetensors(std::string_view bytes, const std::string& source = "buffer");

// The header's name for a dtype: "F32", "F64", "I64", "BOOL".
const char* safetensors_dtype_code(DType dtype);

}  // namespace kiln
