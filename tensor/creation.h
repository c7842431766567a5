#pragma once

#include <initializer_list>
#include <optional>
#include <type_traits>
#include <vector>

#include "tensor/random.h"
#include "tensor/tensor.h"

namespace kiln {

struct TensorOptions {
  DType dtype = kDefaultFloat;
  Device device = kCPU;
};

Tensor empty(const Shape& shape, TensorOptions options = {});
Tensor zeros(const Shape& shape, TensorOptions options = {});
Tensor ones(const Shape& shape, TensorOptions options = {});
Tensor full(const Shape& shape, Scalar value, TensorOptions options = {});
Tensor zeros_like(const Tensor& like);
Tensor ones_like(const Tensor& like);
Tensor full_like(const Tensor& like, Scalar value);
// 0-dim tensor holding `value`, of the value's own dtype unless one is given.
Tensor scalar_tensor(Scalar value, TensorOptions options);
Tensor scalar_tensor(Scalar value);
// [start, end) in steps of `step`; int64 by default.
Tensor arange(double start, double end, double step = 1, TensorOptions options = {.dtype = kInt64});
Tensor arange(int64_t end, TensorOptions options = {.dtype = kInt64});
// `steps` values evenly spaced from start to end inclusive.
Tensor linspace(double start, double end, int64_t steps, TensorOptions options = {});
Tensor eye(int64_t n, TensorOptions options = {});
Tensor eye(int64_t n, int64_t m, TensorOptions options = {});

// Random tensors from `generator` (the default one when null). See tensor/random.h.
Tensor rand(const Shape& shape, TensorOptions options = {}, Generator* generator = nullptr);
Tensor randn(const Shape& shape, TensorOptions options = {}, Generator* generator = nullptr);
// Integers uniform in [low, high).
Tensor randint(int64_t low, int64_t high, const Shape& shape,
               TensorOptions options = {.dtype = kInt64}, Generator* generator = nullptr);
// 1 with probability p, else 0, in the dtype of p.
Tensor bernoulli(const Tensor& p, Generator* generator = nullptr);
Tensor bernoulli(const Shape& shape, double p, TensorOptions options = {},
                 Generator* generator = nullptr);

// A tensor holding `values` with `shape` (1-D when empty), dtype of T unless given.
template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape = {});
template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape, TensorOptions options);

namespace detail {
template <typename T>
constexpr DType literal_dtype() {
  if constexpr (std::is_same_v<T, bool>)
    return kBool;
  else if constexpr (std::is_integral_v<T>)
    return kInt64;
  else
    return kDefaultFloat;
}
template <typename T>
struct IsList : std::false_type {};
template <typename T>
struct IsList<std::initializer_list<T>> : std::true_type {};

// The C++ type a literal's values are gathered in: exact for every literal.
template <typename T>
using LiteralStorage =
    std::conditional_t<std::is_same_v<T, bool>, bool,
                       std::conditional_t<std::is_integral_v<T>, int64_t, double>>;

// Appends the leaves of a nested list to `values`, recording (and checking) each level's
// length in `shape`.
template <typename Element, typename Value>
void flatten_into(const std::initializer_list<Element>& list, std::vector<Value>& values,
                  Shape& shape, int depth) {
  if (shape.size() == depth) shape.push_back(static_cast<int64_t>(list.size()));
  KILN_CHECK(shape[depth] == static_cast<int64_t>(list.size()), "tensor: ragged nested list (dim ",
             depth, " has lengths ", shape[depth], " and ", list.size(), ")");
  for (const Element& element : list) {
    if constexpr (IsList<Element>::value)
      flatten_into(element, values, shape, depth + 1);
    else
      values.push_back(static_cast<Value>(element));
  }
}

template <typename T, typename List>
Tensor tensor_from_list(const List& list, std::optional<TensorOptions> options) {
  std::vector<LiteralStorage<T>> values;
  Shape shape;
  flatten_into(list, values, shape, 0);
  return from_vector(values, shape, options.value_or(TensorOptions{.dtype = literal_dtype<T>()}));
}
}  // namespace detail

// Nested initializer lists, as in tensor({{1.0, 2.0}, {3.0, 4.0}}). Floating literals give
// float32, integer literals int64, bool literals bool, unless a dtype is given. (The lists are
// spelt out: clang 14 deduces no T through an alias template of std::initializer_list.)
template <typename T>
Tensor tensor(std::initializer_list<T> values,
              std::optional<TensorOptions> options = std::nullopt) {
  return detail::tensor_from_list<T>(values, options);
}
template <typename T>
Tensor tensor(std::initializer_list<std::initializer_list<T>> values,
              std::optional<TensorOptions> options = std::nullopt) {
  return detail::tensor_from_list<T>(values, options);
}
template <typename T>
Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<T>>> values,
              std::optional<TensorOptions> options = std::nullopt) {
  return detail::tensor_from_list<T>(values, options);
}
template <typename T>
Tensor tensor(
    std::initializer_list<std::initializer_list<std::initializer_list<std::initializer_list<T>>>>
        values,
    std::optional<TensorOptions> options = std::nullopt) {
  return detail::tensor_from_list<T>(values, options);
}

}  // namespace kiln
