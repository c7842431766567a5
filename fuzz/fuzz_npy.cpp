// .npy bytes (tensor/io/npy.h): read or refused with a kiln::Error, and an array that reads
// writes back to the same array.
#include <cstring>

#include "fuzz/fuzz_input.h"
#include "tensor/io/npy.h"

namespace {

void read_and_write_back(std::string_view bytes) {
  const kiln::Tensor array = kiln::parse_npy(bytes, "fuzz");
  const kiln::Tensor again = kiln::parse_npy(kiln::npy_bytes(array), "again");
  kiln::fuzz::require(again.dtype() == array.dtype() && again.shape() == array.shape() &&
                          std::memcmp(again.data_ptr(), array.data_ptr(),
                                      array.numel() * kiln::itemsize(array.dtype())) == 0,
                      "array round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kiln::fuzz::read_or_refuse([&] { read_and_write_back(kiln::fuzz::bytes_of(data, size)); });
}
