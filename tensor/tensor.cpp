#include "tensor/tensor.h"

#include <cstring>
#include <new>
#include <ostream>

#include "tensor/backend.h"
#include "tensor/creation.h"
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln {

namespace {
bool compute_contiguous(const Shape& shape, const Strides& strides) {
  int64_t expected = 1;
  for (int i = shape.size() - 1; i >= 0; --i) {
    if (shape[i] == 0) return true;
    if (shape[i] != 1 && strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}
}  // namespace

TensorImpl::TensorImpl(std::shared_ptr<Storage> storage_, const Shape& shape_,
                       const Strides& strides_, int64_t offset_, DType dtype_)
    : storage(std::move(storage_)),
      shape(shape_),
      strides(strides_),
      offset(offset_),
      numel(shape_.product()),
      dtype(dtype_),
      contiguous(compute_contiguous(shape_, strides_)) {}

namespace {

// "op: " before a message, or nothing where no op is named.
struct OpPrefix {
  const char* op;
};
std::ostream& operator<<(std::ostream& out, OpPrefix prefix) {
  return prefix.op == nullptr ? out : out << prefix.op << ": ";
}

// The bytes of a contiguous `shape` of `dtype`, checked before anything is allocated: a
// negative extent, or an element or byte count beyond int64, is an error.
size_t storage_bytes(const Shape& shape, DType dtype, const char* op) {
  int64_t numel = 1;
  bool overflow = false;
  for (int64_t extent : shape) {
    KILN_CHECK(extent >= 0, OpPrefix{op}, "tensor shape ", shape, " has a negative dimension");
    overflow |= __builtin_mul_overflow(numel, extent, &numel);
  }
  KILN_CHECK(!overflow, OpPrefix{op}, "shape ", shape, " has more elements than int64 can count");
  int64_t nbytes = 0;
  KILN_CHECK(!__builtin_mul_overflow(numel, static_cast<int64_t>(itemsize(dtype)), &nbytes),
             OpPrefix{op}, "tensor shape ", shape, " of ", dtype,
             " needs more bytes than int64 can count");
  return static_cast<size_t>(nbytes);
}

}  // namespace

// A failed allocation is a kiln::Error naming the op, whatever the backend threw: its own
// error (the request is more than the device has) or std::bad_alloc.
Tensor make_tensor(const Shape& shape, DType dtype, Device device, const char* op) {
  const size_t nbytes = storage_bytes(shape, dtype, op);
  std::shared_ptr<Storage> storage;
  try {
    storage = std::make_shared<Storage>(nbytes, device);
  } catch (const Error& error) {
    throw Error(detail::concat(OpPrefix{op}, "a ", shape, " ", dtype, " tensor: ", error.what()));
  } catch (const std::bad_alloc&) {
    throw Error(detail::concat(OpPrefix{op}, "a ", shape, " ", dtype, " tensor: cannot allocate ",
                               nbytes, " bytes on ", device, ": out of memory"));
  }
  return Tensor(
      std::make_shared<TensorImpl>(std::move(storage), shape, contiguous_strides(shape), 0, dtype));
}

int64_t Tensor::size(int64_t dim) const {
  KILN_CHECK(this->dim() > 0, "size: a 0-dim tensor has no dims");
  return shape()[wrap_dim(dim, this->dim(), "size")];
}

int64_t Tensor::stride(int64_t dim) const {
  KILN_CHECK(this->dim() > 0, "stride: a 0-dim tensor has no dims");
  return strides()[wrap_dim(dim, this->dim(), "stride")];
}

void* Tensor::data_ptr() const {
  const TensorImpl& self = impl();
  return static_cast<char*>(self.storage->data()) + self.offset * itemsize(self.dtype);
}

template <typename T>
T Tensor::item() const {
  KILN_CHECK(numel() == 1, "item: expected a tensor with one element, got shape ", shape());
  return to_vector<T>()[0];
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  const Tensor host = raw::contiguous(raw::to(*this, kCPU));
  std::vector<T> values(host.numel());
  visit_dtype(host.dtype(), [&](auto tag) {
    using Source = typename decltype(tag)::type;
    const Source* source = static_cast<const Source*>(host.data_ptr());
    for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>(source[i]);
  });
  return values;
}

#define KILN_INSTANTIATE_READS(T)     \
  template T Tensor::item<T>() const; \
  template std::vector<T> Tensor::to_vector<T>() const;
KILN_INSTANTIATE_READS(bool)
KILN_INSTANTIATE_READS(int64_t)
KILN_INSTANTIATE_READS(float)
KILN_INSTANTIATE_READS(double)
#undef KILN_INSTANTIATE_READS

namespace raw {

Tensor contiguous(const Tensor& x) {
  return x.is_contiguous() ? x : clone(x);
}

Tensor clone(const Tensor& x) {
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device(), "clone");
  backend(x.device().type).copy(out, x);
  return out;
}

Tensor to(const Tensor& x, DType target) {
  if (target == x.dtype()) return x;
  Tensor out = make_tensor(x.shape(), target, x.device(), "to");
  backend(x.device().type).copy(out, x);
  return out;
}

Tensor to(const Tensor& x, Device target) {
  if (target == x.device()) return x;
  // One side of every transfer is the host; device-to-device goes through it.
  if (!x.device().is_cpu() && !target.is_cpu()) return to(to(x, kCPU), target);
  const Tensor source = contiguous(x);
  Tensor out = make_tensor(x.shape(), x.dtype(), target, "to");
  const size_t nbytes = x.numel() * itemsize(x.dtype());
  if (target.is_cpu()) {
    backend(x.device().type).copy_to_host(out.data_ptr(), source.data_ptr(), nbytes);
  } else {
    backend(target.type).copy_from_host(out.data_ptr(), source.data_ptr(), nbytes);
  }
  return out;
}

Tensor fill_(const Tensor& x, Scalar value) {
  detail::check_writable("fill_", x);
  detail::check_representable("fill_", value, x.dtype());
  backend(x.device().type).fill(x, value);
  x.storage()->bump_version();
  return x;
}

Tensor copy_(const Tensor& x, const Tensor& source) {
  KILN_CHECK(source.device() == x.device(), "copy_: source is on ", source.device(),
             " but the destination is on ", x.device());
  detail::check_writable("copy_", x);
  Shape target = broadcast_shapes(x.shape(), source.shape(), "copy_");
  KILN_CHECK(target == x.shape(), "copy_: source of shape ", source.shape(),
             " does not broadcast to the destination's shape ", x.shape());
  // Copying a tensor into an overlapping view of itself would read what it has written.
  const Tensor from = source.shares_storage(x) ? clone(source) : source;
  backend(x.device().type).copy(x, expand(from, x.shape()));
  x.storage()->bump_version();
  return x;
}

namespace {
// In place, a floating tensor takes an operand of any dtype, converted to its own first (as
// in PyTorch); an integral one keeps the _out rule that the result dtype must match.
Tensor in_place_operand(const Tensor& self, const Tensor& other) {
  return is_floating(self.dtype()) ? to(other, self.dtype()) : other;
}
}  // namespace

Tensor add_(const Tensor& x, const Tensor& other) {
  return add_out(x, x, in_place_operand(x, other));
}
Tensor mul_(const Tensor& x, const Tensor& other) {
  return mul_out(x, x, in_place_operand(x, other));
}

}  // namespace raw
}  // namespace kiln
