// The Tensor methods and operators: each is the differentiable function of the same name.
#include "autograd/functions.h"

namespace kiln {

Tensor Tensor::view(const Shape& shape) const {
  return kiln::view(*this, shape);
}
Tensor Tensor::reshape(const Shape& shape) const {
  return kiln::reshape(*this, shape);
}
Tensor Tensor::permute(const Dims& order) const {
  return kiln::permute(*this, order);
}
Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  return kiln::transpose(*this, dim0, dim1);
}
Tensor Tensor::t() const {
  return kiln::t(*this);
}
Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const {
  return kiln::narrow(*this, dim, start, length);
}
Tensor Tensor::slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
                     int64_t step) const {
  return kiln::slice(*this, dim, start, end, step);
}
Tensor Tensor::select(int64_t dim, int64_t index) const {
  return kiln::select(*this, dim, index);
}
Tensor Tensor::expand(const Shape& shape) const {
  return kiln::expand(*this, shape);
}
Tensor Tensor::squeeze() const {
  return kiln::squeeze(*this);
}
Tensor Tensor::squeeze(int64_t dim) const {
  return kiln::squeeze(*this, dim);
}
Tensor Tensor::unsqueeze(int64_t dim) const {
  return kiln::unsqueeze(*this, dim);
}
Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  return kiln::flatten(*this, start_dim, end_dim);
}
Tensor Tensor::unfold(int64_t dim, int64_t size, int64_t step) const {
  return kiln::unfold(*this, dim, size, step);
}
std::vector<Tensor> Tensor::split(int64_t split_size, int64_t dim) const {
  return kiln::split(*this, split_size, dim);
}
std::vector<Tensor> Tensor::chunk(int64_t chunks, int64_t dim) const {
  return kiln::chunk(*this, chunks, dim);
}
Tensor Tensor::flip(const Dims& dims) const {
  return kiln::flip(*this, dims);
}
Tensor Tensor::roll(const std::vector<int64_t>& shifts, const Dims& dims) const {
  return kiln::roll(*this, shifts, dims);
}
Tensor Tensor::repeat(const std::vector<int64_t>& repeats) const {
  return kiln::repeat(*this, repeats);
}
Tensor Tensor::tile(const std::vector<int64_t>& repeats) const {
  return kiln::tile(*this, repeats);
}
Tensor Tensor::repeat_interleave(int64_t repeats, std::optional<int64_t> dim) const {
  return kiln::repeat_interleave(*this, repeats, dim);
}

Tensor Tensor::contiguous() const {
  return kiln::contiguous(*this);
}
Tensor Tensor::clone() const {
  return kiln::clone(*this);
}
Tensor Tensor::to(DType dtype) const {
  return kiln::to(*this, dtype);
}
Tensor Tensor::to(Device device) const {
  return kiln::to(*this, device);
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
