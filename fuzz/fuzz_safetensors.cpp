// safetensors bytes (tensor/io/safetensors.h): read or refused with a kiln::Error, and a file
// that reads writes back to the same tensors and metadata.
#include <cstring>

#include "fuzz/fuzz_input.h"
#include "tensor/io/safetensors.h"

namespace {

bool same_bytes(const kiln::Tensor& a, const kiln::Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.data_ptr(), b.data_ptr(), a.numel() * kiln::itemsize(a.dtype())) == 0;
}

void read_and_write_back(std::string_view bytes) {
  const kiln::Safetensors file = kiln::parse_safetensors(bytes, "fuzz");
  const kiln::Safetensors again =
      kiln::parse_safetensors(kiln::safetensors_bytes(file.tensors, file.metadata), "again");
  kiln::fuzz::require(again.metadata == file.metadata, "metadata round trip");
  kiln::fuzz::require(again.tensors.size() == file.tensors.size(), "tensor count round trip");
  for (const auto& [name, tensor] : file.tensors) {
    const auto found = again.tensors.find(name);
    kiln::fuzz::require(found != again.tensors.end() && same_bytes(found->second, tensor),
                        "tensor round trip");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kiln::fuzz::read_or_refuse([&] { read_and_write_back(kiln::fuzz::bytes_of(data, size)); });
}
