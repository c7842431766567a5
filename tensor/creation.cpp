#include "tensor/creation.h"

#include <cmath>

#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln {

using detail::backend_of;

namespace {
// A new tensor of `value`, made by `op` (named when it cannot be allocated).
Tensor filled(const char* op, const Shape& shape, Scalar value, TensorOptions options) {
  return raw::fill_(make_tensor(shape, options.dtype, options.device, op), value);
}
}  // namespace

Tensor empty(const Shape& shape, TensorOptions options) {
  return make_tensor(shape, options.dtype, options.device, "empty");
}

Tensor full(const Shape& shape, Scalar value, TensorOptions options) {
  return filled("full", shape, value, options);
}

Tensor zeros(const Shape& shape, TensorOptions options) {
  return filled("zeros", shape, 0, options);
}
Tensor ones(const Shape& shape, TensorOptions options) {
  return filled("ones", shape, 1, options);
}

Tensor full_like(const Tensor& like, Scalar value) {
  return full(like.shape(), value, {.dtype = like.dtype(), .device = like.device()});
}
Tensor zeros_like(const Tensor& like) {
  return full_like(like, 0);
}
Tensor ones_like(const Tensor& like) {
  return full_like(like, 1);
}

Tensor scalar_tensor(Scalar value, TensorOptions options) {
  return full({}, value, options);
}

Tensor scalar_tensor(Scalar value) {
  return scalar_tensor(value, {.dtype = value.is_floating() ? kDefaultFloat : value.kind()});
}

Tensor arange(double start, double end, double step, TensorOptions options) {
  KILN_CHECK(std::isfinite(start) && std::isfinite(end), "arange: bounds must be finite, got [",
             start, ", ", end, ")");
  KILN_CHECK(step != 0 && std::isfinite(step), "arange: step must be finite and non-zero, got ",
             step);
  KILN_CHECK((end - start) * step >= 0, "arange: step ", step, " never reaches ", end, " from ",
             start);
  KILN_CHECK(options.dtype != kBool, "arange: not defined for bool");
  const double steps = std::ceil((end - start) / step);
  KILN_CHECK(steps < 9.0e18, "arange: [", start, ", ", end, ") in steps of ", step, " has ", steps,
             " elements, more than a tensor can hold");
  const auto count = static_cast<int64_t>(steps);
  Tensor out = empty({count}, options);
  if (count > 0) backend_of(out).arange(out, start, step);
  return out;
}

Tensor arange(int64_t end, TensorOptions options) {
  return arange(0, static_cast<double>(end), 1, options);
}

Tensor linspace(double start, double end, int64_t steps, TensorOptions options) {
  KILN_CHECK(steps >= 0, "linspace: number of steps must be non-negative, got ", steps);
  KILN_CHECK(is_floating(options.dtype), "linspace: expects a floating dtype, got ", options.dtype);
  if (steps <= 1) return full({steps}, start, options);
  // Both ends are exact: the first half counts up from start, the second down from end.
  const double step = (end - start) / static_cast<double>(steps - 1);
  const int64_t half = steps / 2;
  Tensor out = empty({steps}, options);
  backend_of(out).arange(raw::narrow(out, 0, 0, half), start, step);
  backend_of(out).arange(raw::narrow(out, 0, half, steps - half),
                         end - step * static_cast<double>(steps - 1 - half), step);
  raw::fill_(raw::narrow(out, 0, steps - 1, 1), end);
  return out;
}

Tensor eye(int64_t n, int64_t m, TensorOptions options) {
  KILN_CHECK(n >= 0 && m >= 0, "eye: sizes must be non-negative, got ", n, " x ", m);
  Tensor out = zeros({n, m}, options);
  const int64_t diagonal = std::min(n, m);
  if (diagonal > 0)
    raw::fill_(raw::slice(raw::view(out, {-1}), 0, 0, (diagonal - 1) * (m + 1) + 1, m + 1), 1);
  return out;
}

Tensor eye(int64_t n, TensorOptions options) {
  return eye(n, n, options);
}

namespace {
Tensor random_tensor(Distribution distribution, const Shape& shape, TensorOptions options,
                     Generator* generator, double a, double b) {
  Tensor out = empty(shape, options);
  Generator& source = generator != nullptr ? *generator : default_generator();
  const PhiloxPosition position =
      source.advance(philox_blocks_needed(distribution, options.dtype, out.numel()));
  if (out.numel() > 0) backend_of(out).random(distribution, out, position, a, b);
  return out;
}

}  // namespace

Tensor rand(const Shape& shape, TensorOptions options, Generator* generator) {
  detail::check_floating("rand", options.dtype);
  return random_tensor(Distribution::Uniform, shape, options, generator, 0, 1);
}

Tensor randn(const Shape& shape, TensorOptions options, Generator* generator) {
  detail::check_floating("randn", options.dtype);
  return random_tensor(Distribution::Normal, shape, options, generator, 0, 1);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options,
               Generator* generator) {
  KILN_CHECK(low < high, "randint: low (", low, ") must be less than high (", high, ")");
  // The bounds travel through the seam as doubles, exact up to 2^53.
  constexpr int64_t kExact = int64_t{1} << 53;
  KILN_CHECK(low >= -kExact && high <= kExact, "randint: bounds [", low, ", ", high,
             ") must lie within [-2^53, 2^53]");
  KILN_CHECK(options.dtype != kBool, "randint: not defined for bool");
  return random_tensor(Distribution::Integer, shape, options, generator, static_cast<double>(low),
                       static_cast<double>(high));
}

Tensor bernoulli(const Shape& shape, double p, TensorOptions options, Generator* generator) {
  KILN_CHECK(p >= 0 && p <= 1, "bernoulli: probability must lie in [0, 1], got ", p);
  return random_tensor(Distribution::Bernoulli, shape, options, generator, p, 0);
}

Tensor bernoulli(const Tensor& p, Generator* generator) {
  detail::check_floating("bernoulli", p);
  if (p.numel() > 0) {
    KILN_CHECK(raw::all(raw::logical_and(raw::ge(p, 0), raw::le(p, 1))).item<bool>(),
               "bernoulli: probabilities must lie in [0, 1], got values in [",
               raw::min(p).item<double>(), ", ", raw::max(p).item<double>(), "] (or NaN)");
  }
  const Tensor u = rand(p.shape(), {.dtype = p.dtype(), .device = p.device()}, generator);
  return raw::to(raw::lt(u, p), p.dtype());
}

template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape, TensorOptions options) {
  const Shape resolved = shape.empty() ? Shape{static_cast<int64_t>(values.size())} : shape;
  KILN_CHECK(resolved.product() == static_cast<int64_t>(values.size()),
             "from_vector: ", values.size(), " values do not fill shape ", resolved);
  Tensor host = empty(resolved, {.dtype = dtype_of<T>()});
  std::copy(values.begin(), values.end(), host.data<T>());
  return raw::to(raw::to(host, options.dtype), options.device);
}

template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape) {
  return from_vector(values, shape, {.dtype = dtype_of<T>()});
}

#define KILN_INSTANTIATE_FROM_VECTOR(T)                                \
  template Tensor from_vector<T>(const std::vector<T>&, const Shape&); \
  template Tensor from_vector<T>(const std::vector<T>&, const Shape&, TensorOptions);
KILN_INSTANTIATE_FROM_VECTOR(bool)
KILN_INSTANTIATE_FROM_VECTOR(int64_t)
KILN_INSTANTIATE_FROM_VECTOR(float)
KILN_INSTANTIATE_FROM_VECTOR(double)
#undef KILN_INSTANTIATE_FROM_VECTOR

}  // namespace kiln
