#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tensor/device.h"
#include "tensor/dims.h"
#include "tensor/dtype.h"
#include "tensor/error.h"
#include "tensor/ops_list.h"
#include "tensor/scalar.h"
#include "tensor/storage.h"

#include <functional>

namespace kiln {

namespace autograd {
class Node;
struct AutogradMeta;
}  // namespace autograd

// Shape, strides (in elements) and offset into a storage: what a view changes.
struct TensorImpl {
  TensorImpl(std::shared_ptr<Storage> storage, const Shape& shape, const Strides& strides,
             int64_t offset, DType dtype);

  std::shared_ptr<Storage> storage;
  Shape shape;
  Strides strides;
  int64_t offset;
  int64_t numel;
  DType dtype;
  bool contiguous;
  // True for the results of view ops (which share a storage with their input).
  bool is_view = false;
  // Set only on tensors that take part in autograd (autograd/autograd_meta.h).
  std::shared_ptr<autograd::AutogradMeta> autograd;
};

enum class GeluApproximation : uint8_t { Erf, Tanh };

// A cheap, shared handle to a TensorImpl: copying a Tensor never copies data, and views
// (view, permute, narrow, expand, ...) share the storage of the tensor they come from.
//
// The op methods below are differentiable and are defined in autograd/ (as PyTorch's
// Tensor methods are defined above its autograd layer); tensor/ itself only calls the raw
// ops of tensor/ops.h.
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  const Strides& strides() const { return impl().strides; }
  int64_t size(int64_t dim) const;
  int64_t stride(int64_t dim) const;
  int dim() const { return impl().shape.size(); }
  int64_t numel() const { return impl().numel; }
  DType dtype() const { return impl().dtype; }
  Device device() const { return impl().storage->device(); }
  int64_t storage_offset() const { return impl().offset; }
  bool is_contiguous() const { return impl().contiguous; }
  const std::shared_ptr<Storage>& storage() const { return impl().storage; }
  // True when both tensors view the same storage.
  bool shares_storage(const Tensor& other) const { return storage() == other.storage(); }

  // Address of the first element (on the tensor's device).
  void* data_ptr() const;
  // Typed address of the first element; throws if T is not the tensor's dtype.
  template <typename T>
  T* data() const {
    KILN_CHECK(dtype_of<T>() == dtype(), "data: tensor has dtype ", dtype(), ", not ",
               dtype_of<T>());
    return static_cast<T*>(data_ptr());
  }
  // The value of a one-element tensor, converted to T.
  template <typename T>
  T item() const;
  // The elements in row-major order, converted to T (copied to the host if needed).
  template <typename T>
  std::vector<T> to_vector() const;

  // Views (share storage).
  Tensor view(const Shape& shape) const;
  Tensor reshape(const Shape& shape) const;
  Tensor permute(const Dims& order) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor slice(int64_t dim, std::optional<int64_t> start = std::nullopt,
               std::optional<int64_t> end = std::nullopt, int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor expand(const Shape& shape) const;
  Tensor expand_as(const Tensor& other) const { return expand(other.shape()); }
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor unfold(int64_t dim, int64_t size, int64_t step) const;
  std::vector<Tensor> split(int64_t split_size, int64_t dim = 0) const;
  std::vector<Tensor> chunk(int64_t chunks, int64_t dim = 0) const;
  // Copies that rearrange or repeat (autograd/ops_rearrange.cpp).
  Tensor flip(const Dims& dims) const;
  Tensor roll(const std::vector<int64_t>& shifts, const Dims& dims = {}) const;
  Tensor repeat(const std::vector<int64_t>& repeats) const;
  Tensor tile(const std::vector<int64_t>& repeats) const;
  Tensor repeat_interleave(int64_t repeats, std::optional<int64_t> dim = std::nullopt) const;

  // Copies.
  Tensor contiguous() const;
  Tensor clone() const;
  Tensor to(DType dtype) const;
  Tensor to(Device device) const;

  // Elementwise.
#define KILN_DECLARE_UNARY_METHOD(name, ...) Tensor name() const;
  KILN_UNARY_OPS(KILN_DECLARE_UNARY_METHOD)
#undef KILN_DECLARE_UNARY_METHOD
  Tensor gelu(GeluApproximation approximation = GeluApproximation::Erf) const;
  Tensor pow(double exponent) const;
  Tensor clamp(std::optional<double> min, std::optional<double> max) const;
  Tensor logical_not() const;
#define KILN_DECLARE_BINARY_METHOD(name, ...) Tensor name(const Tensor& other) const;
  KILN_BINARY_OPS(KILN_DECLARE_BINARY_METHOD)
#undef KILN_DECLARE_BINARY_METHOD
  Tensor masked_fill(const Tensor& mask, Scalar value) const;
  Tensor lerp(const Tensor& end, const Tensor& weight) const;

  // Reductions over `dims` (all dims when empty).
  Tensor sum(const Dims& dims = {}, bool keepdim = false) const;
  Tensor mean(const Dims& dims = {}, bool keepdim = false) const;
  Tensor prod(const Dims& dims = {}, bool keepdim = false) const;
  Tensor amax(const Dims& dims = {}, bool keepdim = false) const;
  Tensor amin(const Dims& dims = {}, bool keepdim = false) const;
  Tensor all(const Dims& dims = {}, bool keepdim = false) const;
  Tensor any(const Dims& dims = {}, bool keepdim = false) const;
  Tensor var(const Dims& dims = {}, bool unbiased = true, bool keepdim = false) const;
  Tensor std(const Dims& dims = {}, bool unbiased = true, bool keepdim = false) const;
  Tensor logsumexp(const Dims& dims, bool keepdim = false) const;
  Tensor norm(double p = 2, const Dims& dims = {}, bool keepdim = false) const;
  Tensor argmax(int64_t dim, bool keepdim = false) const;
  Tensor argmin(int64_t dim, bool keepdim = false) const;

  Tensor matmul(const Tensor& other) const;
  Tensor softmax(int64_t dim) const;
  Tensor log_softmax(int64_t dim) const;
  Tensor cumsum(int64_t dim) const;
  Tensor cumprod(int64_t dim) const;
  Tensor tril(int64_t diagonal = 0) const;
  Tensor triu(int64_t diagonal = 0) const;
  Tensor index_select(int64_t dim, const Tensor& index) const;
  Tensor gather(int64_t dim, const Tensor& index) const;

  // In place: write into this tensor's storage.
  Tensor& add_(const Tensor& other);
  Tensor& mul_(const Tensor& other);
  Tensor& zero_();
  Tensor& fill_(Scalar value);
  Tensor& copy_(const Tensor& source);

  // Autograd (autograd/variable.cpp).
  bool requires_grad() const;
  // Marks a leaf tensor as a parameter whose gradient backward() accumulates into grad().
  Tensor& requires_grad_(bool requires_grad = true);
  // True for tensors that no differentiable op produced: their gradients accumulate.
  bool is_leaf() const;
  // The accumulated gradient (undefined until a backward pass reaches this tensor).
  Tensor grad() const;
  void set_grad(const Tensor& grad) const;
  // The node that produced this tensor; null for leaves.
  std::shared_ptr<autograd::Node> grad_fn() const;
  // Back-propagates `gradient` (may be omitted for a one-element tensor) to every leaf
  // reached. The graph is freed unless `retain_graph`; `create_graph` records the backward
  // pass itself, for higher derivatives; then a leaf's grad() may hold a graph that saved the
  // leaf, a reference cycle that set_grad({}) breaks (grad() with create_graph has none).
  void backward(const Tensor& gradient = {}, bool retain_graph = false,
                bool create_graph = false) const;
  // A tensor sharing this one's storage, outside every graph.
  Tensor detach() const;
  // Keeps the gradient of this non-leaf in grad() after backward.
  void retain_grad() const;
  // Calls `hook` with the gradient with respect to this tensor; a defined return value
  // replaces the gradient.
  void register_hook(std::function<Tensor(const Tensor&)> hook) const;
  // Counts in-place writes to the storage.
  uint64_t version() const {
    return storage()->version();
  }

  std::string to_string() const;

  const TensorImpl& impl() const {
    KILN_CHECK(impl_ != nullptr, "operation on an undefined tensor");
    return *impl_;
  }
  // The shared implementation, for autograd's bookkeeping.
  const std::shared_ptr<TensorImpl>& impl_ptr() const {
    return impl_;
  }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& out, const Tensor& tensor);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, Scalar b);
Tensor operator-(const Tensor& a, Scalar b);
Tensor operator*(const Tensor& a, Scalar b);
Tensor operator/(const Tensor& a, Scalar b);
Tensor operator+(Scalar a, const Tensor& b);
Tensor operator-(Scalar a, const Tensor& b);
Tensor operator*(Scalar a, const Tensor& b);
Tensor operator/(Scalar a, const Tensor& b);

// A kernel's view of an optional operand: its typed data, or null when it is undefined.
template <typename T>
T* data_or_null(const Tensor& x) {
  return x.defined() ? x.data<T>() : nullptr;
}

// Makes a tensor with fresh (uninitialised) contiguous storage. `op`, the op allocating it,
// is named when the shape is invalid or the device cannot hold it.
Tensor make_tensor(const Shape& shape, DType dtype, Device device, const char* op = nullptr);

}  // namespace kiln
