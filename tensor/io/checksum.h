#pragma once

// A checksum of tensors' bytes, so that a flipped bit in a saved weight is found on load
// instead of training on as a different model.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "tensor/tensor.h"

namespace kiln {

// FNV-1a, 64-bit (Fowler, Noll & Vo; IETF draft-eastlake-fnv): from 0xcbf29ce484222325,
// h = (h ^ byte) * 0x100000001b3 for each byte. Each step is a bijection of h, so two inputs
// that differ in any single byte always hash differently.
class Fnv1a64 {
 public:
  void update(const void* bytes, size_t size);
  uint64_t digest() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325;
};

// "fnv1a64:" and 16 lowercase hex digits, over each tensor in ascending (byte-wise) order of
// name: the name and its safetensors dtype code ("F32"), each as its length then its bytes;
// its rank and sizes; then its elements row-major, as a safetensors file holds them. Lengths,
// rank and sizes are 8-byte little-endian integers. Tensors on a device are copied to the
// host first.
std::string tensors_checksum(const std::map<std::string, Tensor>& tensors);

}  // namespace kiln
