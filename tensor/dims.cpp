#include "tensor/dims.h"

#include <ostream>

#include "tensor/error.h"

namespace kiln {

Dims::Dims(std::span<const int64_t> values) {
  KILN_CHECK(values.size() <= kMaxDims, "tensor rank ", values.size(),
             " exceeds kiln's maximum of ", kMaxDims);
  std::copy(values.begin(), values.end(), values_.begin());
  size_ = static_cast<int>(values.size());
}

Dims Dims::filled(int count, int64_t value) {
  KILN_CHECK(count >= 0 && count <= kMaxDims, "tensor rank ", count, " exceeds kiln's maximum of ",
             kMaxDims);
  Dims dims;
  std::fill_n(dims.values_.begin(), count, value);
  dims.size_ = count;
  return dims;
}

void Dims::push_back(int64_t value) {
  insert(size_, value);
}

void Dims::insert(int position, int64_t value) {
  KILN_CHECK(size_ < kMaxDims, "tensor rank ", size_ + 1, " exceeds kiln's maximum of ", kMaxDims);
  std::copy_backward(values_.begin() + position, values_.begin() + size_,
                     values_.begin() + size_ + 1);
  values_[position] = value;
  ++size_;
}

void Dims::erase(int position) {
  std::copy(values_.begin() + position + 1, values_.begin() + size_, values_.begin() + position);
  --size_;
}

int64_t Dims::product() const {
  int64_t result = 1;
  bool overflow = false;
  for (int64_t value : *this) overflow |= __builtin_mul_overflow(result, value, &result);
  KILN_CHECK(!overflow, "shape ", *this, " has more elements than int64 can count");
  return result;
}

std::ostream& operator<<(std::ostream& out, const Dims& dims) {
  out << '[';
  for (int i = 0; i < dims.size(); ++i) out << (i ? ", " : "") << dims[i];
  return out << ']';
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides = Dims::filled(shape.size(), 1);
  for (int i = shape.size() - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * std::max<int64_t>(shape[i + 1], 1);
  }
  return strides;
}

int wrap_dim(int64_t dim, int rank, const char* op) {
  const int64_t extent = std::max(rank, 1);  // a 0-dim tensor accepts dim 0 and -1
  KILN_CHECK(dim >= -extent && dim < extent, op, ": dim ", dim, " is out of range for a tensor of ",
             rank, " dimension(s) (expected [", -extent, ", ", extent - 1, "])");
  return static_cast<int>(dim < 0 ? dim + extent : dim);
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const int rank = std::max(a.size(), b.size());
  Shape result = Dims::filled(rank, 1);
  for (int i = 0; i < rank; ++i) {
    const int ia = a.size() - rank + i;
    const int ib = b.size() - rank + i;
    const int64_t sa = ia >= 0 ? a[ia] : 1;
    const int64_t sb = ib >= 0 ? b[ib] : 1;
    KILN_CHECK(sa == sb || sa == 1 || sb == 1, op, ": shapes ", a, " and ", b,
               " are not broadcastable (dim ", i - rank, ": ", sa, " vs ", sb, ")");
    result[i] = sa == 1 ? sb : sa;
  }
  return result;
}

}  // namespace kiln
