#include "tensor/tensor.h"

#include <cstring>

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

Tensor make_tensor(const Shape& shape, DType dtype, Device device) {
  for (int64_t extent : shape) {
    KILN_CHECK(extent >= 0, "tensor shape ", shape, " has a negative dimension");
  }
  int64_t nbytes = 0;
  KILN_CHECK(
      !__builtin_mul_overflow(shape.product(), static_cast<int64_t>(itemsize(dtype)), &nbytes),
      "tensor shape ", shape, " of ", dtype, " needs more bytes than int64 can count");
  auto storage = std::make_shared<Storage>(static_cast<size_t>(nbytes), device);
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
  const Tensor host = to(kCPU).contiguous();
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

Tensor Tensor::contiguous() const {
  return is_contiguous() ? *this : clone();
}

Tensor Tensor::clone() const {
  Tensor out = make_tensor(shape(), dtype(), device());
  backend(device().type).copy(out, *this);
  return out;
}

Tensor Tensor::to(DType target) const {
  if (target == dtype()) return *this;
  Tensor out = make_tensor(shape(), target, device());
  backend(device().type).copy(out, *this);
  return out;
}

Tensor Tensor::to(Device target) const {
  if (target == device()) return *this;
  // One side of every transfer is the host; device-to-device goes through it.
  if (!device().is_cpu() && !target.is_cpu()) return to(kCPU).to(target);
  const Tensor source = contiguous();
  Tensor out = make_tensor(shape(), dtype(), target);
  const size_t nbytes = numel() * itemsize(dtype());
  if (target.is_cpu()) {
    backend(device().type).copy_to_host(out.data_ptr(), source.data_ptr(), nbytes);
  } else {
    backend(target.type).copy_from_host(out.data_ptr(), source.data_ptr(), nbytes);
  }
  return out;
}

Tensor& Tensor::fill_(Scalar value) {
  detail::check_writable("fill_", *this);
  detail::check_representable("fill_", value, dtype());
  backend(device().type).fill(*this, value);
  return *this;
}

Tensor& Tensor::zero_() {
  return fill_(0);
}

Tensor& Tensor::copy_(const Tensor& source) {
  KILN_CHECK(source.device() == device(), "copy_: source is on ", source.device(),
             " but the destination is on ", device());
  detail::check_writable("copy_", *this);
  Shape target = broadcast_shapes(shape(), source.shape(), "copy_");
  KILN_CHECK(target == shape(), "copy_: source of shape ", source.shape(),
             " does not broadcast to the destination's shape ", shape());
  // Copying a tensor into an overlapping view of itself would read what it has written.
  const Tensor from = source.shares_storage(*this) ? source.clone() : source;
  backend(device().type).copy(*this, from.expand(shape()));
  return *this;
}

namespace {
// In place, a floating tensor takes an operand of any dtype, converted to its own first (as
// in PyTorch); an integral one keeps the _out rule that the result dtype must match.
Tensor in_place_operand(const Tensor& self, const Tensor& other) {
  return is_floating(self.dtype()) ? other.to(self.dtype()) : other;
}
}  // namespace

Tensor& Tensor::add_(const Tensor& other) {
  return add_out(*this, *this, in_place_operand(*this, other));
}
Tensor& Tensor::mul_(const Tensor& other) {
  return mul_out(*this, *this, in_place_operand(*this, other));
}

#define KILN_DEFINE_UNARY_METHOD(name, ...) \
  Tensor Tensor::name() const {             \
    return kiln::name(*this);               \
  }
KILN_UNARY_OPS(KILN_DEFINE_UNARY_METHOD)
#undef KILN_DEFINE_UNARY_METHOD
#define KILN_DEFINE_BINARY_METHOD(name, ...)       \
  Tensor Tensor::name(const Tensor& other) const { \
    return kiln::name(*this, other);               \
  }
KILN_BINARY_OPS(KILN_DEFINE_BINARY_METHOD)
#undef KILN_DEFINE_BINARY_METHOD

Tensor Tensor::gelu(GeluApproximation approximation) const {
  return kiln::gelu(*this, approximation);
}
Tensor Tensor::pow(double exponent) const {
  return kiln::pow(*this, exponent);
}
Tensor Tensor::clamp(std::optional<double> min, std::optional<double> max) const {
  return kiln::clamp(*this, min, max);
}
Tensor Tensor::logical_not() const {
  return kiln::logical_not(*this);
}
Tensor Tensor::masked_fill(const Tensor& mask, Scalar value) const {
  return kiln::masked_fill(*this, mask, value);
}
Tensor Tensor::lerp(const Tensor& end, const Tensor& weight) const {
  return kiln::lerp(*this, end, weight);
}

Tensor Tensor::sum(const Dims& dims, bool keepdim) const {
  return kiln::sum(*this, dims, keepdim);
}
Tensor Tensor::mean(const Dims& dims, bool keepdim) const {
  return kiln::mean(*this, dims, keepdim);
}
Tensor Tensor::prod(const Dims& dims, bool keepdim) const {
  return kiln::prod(*this, dims, keepdim);
}
Tensor Tensor::amax(const Dims& dims, bool keepdim) const {
  return kiln::amax(*this, dims, keepdim);
}
Tensor Tensor::amin(const Dims& dims, bool keepdim) const {
  return kiln::amin(*this, dims, keepdim);
}
Tensor Tensor::all(const Dims& dims, bool keepdim) const {
  return kiln::all(*this, dims, keepdim);
}
Tensor Tensor::any(const Dims& dims, bool keepdim) const {
  return kiln::any(*this, dims, keepdim);
}
Tensor Tensor::var(const Dims& dims, bool unbiased, bool keepdim) const {
  return kiln::var(*this, dims, unbiased, keepdim);
}
Tensor Tensor::std(const Dims& dims, bool unbiased, bool keepdim) const {
  return kiln::std(*this, dims, unbiased, keepdim);
}
Tensor Tensor::logsumexp(const Dims& dims, bool keepdim) const {
  return kiln::logsumexp(*this, dims, keepdim);
}
Tensor Tensor::norm(double p, const Dims& dims, bool keepdim) const {
  return kiln::norm(*this, p, dims, keepdim);
}
Tensor Tensor::argmax(int64_t dim, bool keepdim) const {
  return kiln::argmax(*this, dim, keepdim);
}
Tensor Tensor::argmin(int64_t dim, bool keepdim) const {
  return kiln::argmin(*this, dim, keepdim);
}
Tensor Tensor::matmul(const Tensor& other) const {
  return kiln::matmul(*this, other);
}
Tensor Tensor::softmax(int64_t dim) const {
  return kiln::softmax(*this, dim);
}
Tensor Tensor::log_softmax(int64_t dim) const {
  return kiln::log_softmax(*this, dim);
}
Tensor Tensor::cumsum(int64_t dim) const {
  return kiln::cumsum(*this, dim);
}
Tensor Tensor::cumprod(int64_t dim) const {
  return kiln::cumprod(*this, dim);
}
Tensor Tensor::tril(int64_t diagonal) const {
  return kiln::tril(*this, diagonal);
}
Tensor Tensor::triu(int64_t diagonal) const {
  return kiln::triu(*this, diagonal);
}
Tensor Tensor::index_select(int64_t dim, const Tensor& index) const {
  return kiln::index_select(*this, dim, index);
}
Tensor Tensor::gather(int64_t dim, const Tensor& index) const {
  return kiln::gather(*this, dim, index);
}
std::vector<Tensor> Tensor::split(int64_t split_size, int64_t dim) const {
  return kiln::split(*this, split_size, dim);
}
std::vector<Tensor> Tensor::chunk(int64_t chunks, int64_t dim) const {
  return kiln::chunk(*this, chunks, dim);
}

Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
Tensor operator-(const Tensor& a) {
  return neg(a);
}
Tensor operator+(const Tensor& a, Scalar b) {
  return add(a, b);
}
Tensor operator-(const Tensor& a, Scalar b) {
  return sub(a, b);
}
Tensor operator*(const Tensor& a, Scalar b) {
  return mul(a, b);
}
Tensor operator/(const Tensor& a, Scalar b) {
  return div(a, b);
}
Tensor operator+(Scalar a, const Tensor& b) {
  return add(b, a);
}
Tensor operator-(Scalar a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator*(Scalar a, const Tensor& b) {
  return mul(b, a);
}
Tensor operator/(Scalar a, const Tensor& b) {
  return div(a, b);
}

}  // namespace kiln
