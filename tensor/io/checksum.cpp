#include "tensor/io/checksum.h"

#include <cstdio>

#include "tensor/io/safetensors.h"
#include "tensor/ops.h"

namespace kiln {

void Fnv1a64::update(const void* bytes, size_t size) {
  const auto* byte = static_cast<const unsigned char*>(bytes);
  for (size_t i = 0; i < size; ++i) hash_ = (hash_ ^ byte[i]) * 0x100000001b3;
}

namespace {

void update_with_integer(Fnv1a64& hash, uint64_t value) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
  hash.update(bytes, sizeof bytes);
}

void update_with_tensor(Fnv1a64& hash, const std::string& name, const Tensor& tensor) {
  const Tensor host = raw::contiguous(raw::to(tensor, kCPU));
  for (const std::string& text : {name, std::string(safetensors_dtype_code(host.dtype()))}) {
    update_with_integer(hash, text.size());
    hash.update(text.data(), text.size());
  }
  update_with_integer(hash, host.shape().size());
  for (int64_t size : host.shape()) update_with_integer(hash, static_cast<uint64_t>(size));
  hash.update(host.data_ptr(), host.numel() * itemsize(host.dtype()));
}

}  // namespace

std::string tensors_checksum(const std::map<std::string, Tensor>& tensors) {
  Fnv1a64 hash;
  for (const auto& [name, tensor] : tensors) update_with_tensor(hash, name, tensor);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash.digest()));
  return std::string("fnv1a64:") + hex;
}

}  // namespace kiln
