#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <span>

namespace kiln {

// Tensors have at most this many dimensions; a fixed bound keeps shapes and strides inline
// in the tensor (no heap allocation per op).
inline constexpr int kMaxDims = 12;

// A short list of int64 (a shape, strides or a set of dims) stored inline.
class Dims {
 public:
  Dims() = default;
  Dims(std::initializer_list<int64_t> values)
      : Dims(std::span<const int64_t>(values.begin(), values.size())) {}
  explicit Dims(std::span<const int64_t> values);
  static Dims filled(int count, int64_t value);

  int size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t operator[](int i) const { return values_[i]; }
  int64_t& operator[](int i) { return values_[i]; }
  int64_t back() const { return values_[size_ - 1]; }
  const int64_t* begin() const { return values_.data(); }
  const int64_t* end() const { return values_.data() + size_; }
  int64_t* begin() { return values_.data(); }
  int64_t* end() { return values_.data() + size_; }
  std::span<const int64_t> span() const { return {values_.data(), static_cast<size_t>(size_)}; }

  void push_back(int64_t value);
  void insert(int position, int64_t value);
  void erase(int position);

  // Product of the values: the element count of a shape (1 for an empty shape). Throws
  // when it overflows int64.
  int64_t product() const;

  friend bool operator==(const Dims& a, const Dims& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::array<int64_t, kMaxDims> values_{};
  int size_ = 0;
};

using Shape = Dims;
using Strides = Dims;

std::ostream& operator<<(std::ostream& out, const Dims& dims);

// Row-major strides, in elements, for `shape`.
Strides contiguous_strides(const Shape& shape);

// Maps a possibly negative `dim` into [0, rank); throws naming `op` when out of range.
int wrap_dim(int64_t dim, int rank, const char* op);

// The shape two operands broadcast to (NumPy rules); throws naming `op` and both shapes.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

}  // namespace kiln
