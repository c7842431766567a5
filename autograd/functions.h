#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

// The public ops: the raw ops of tensor/ops.h made differentiable. Each records its
// backward formula (written in these same ops, so it runs on every device and can itself
// be differentiated) when grad mode is on and an input requires grad; otherwise it is the
// raw op. Integer and bool results (comparisons, argmax, indices) never require grad.
namespace kiln {

// Views (share storage; reshape copies when no strides describe the result).
Tensor view(const Tensor& x, const Shape& shape);
Tensor reshape(const Tensor& x, const Shape& shape);
Tensor permute(const Tensor& x, const Dims& order);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor t(const Tensor& x);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start = std::nullopt,
             std::optional<int64_t> end = std::nullopt, int64_t step = 1);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor expand(const Tensor& x, const Shape& shape);
Tensor squeeze(const Tensor& x);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step);

// Copies (contiguous and to() return `x` itself when nothing changes).
Tensor contiguous(const Tensor& x);
Tensor clone(const Tensor& x);
Tensor to(const Tensor& x, DType dtype);
Tensor to(const Tensor& x, Device device);

// Elementwise unary.
#define KILN_DECLARE_UNARY(name, ...) Tensor name(const Tensor& x);
KILN_UNARY_OPS(KILN_DECLARE_UNARY)
#undef KILN_DECLARE_UNARY
// gelu(x) = x * Phi(x); the tanh form is Hendrycks & Gimpel 2016, eq. after (1).
Tensor gelu(const Tensor& x, GeluApproximation approximation = GeluApproximation::Erf);
Tensor pow(const Tensor& x, double exponent);
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max);
Tensor logical_not(const Tensor& x);

// Elementwise binary, with broadcasting.
// name_out writes the result into `out`, which must have the broadcast shape and the
// result dtype; it may be `a` or `b` itself (an in-place update). It is not differentiable:
// it throws when grad mode is on and an operand requires grad.
#define KILN_DECLARE_BINARY(name, ...)           \
  Tensor name(const Tensor& a, const Tensor& b); \
  Tensor name(const Tensor& a, Scalar b);        \
  Tensor name##_out(const Tensor& out, const Tensor& a, const Tensor& b);
KILN_BINARY_OPS(KILN_DECLARE_BINARY)
#undef KILN_DECLARE_BINARY
Tensor sub(Scalar a, const Tensor& b);
Tensor div(Scalar a, const Tensor& b);
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value);
// start + weight * (end - start)
Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight);
Tensor lerp(const Tensor& start, const Tensor& end, Scalar weight);

// Reductions over `dims` (every dim when empty), keeping them as size 1 with keepdim.
Tensor sum(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor mean(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor prod(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor amax(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor amin(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor all(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor any(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// Sum of squared deviations over (n - 1) when unbiased, else over n.
Tensor var(const Tensor& x, const Dims& dims = {}, bool unbiased = true, bool keepdim = false);
Tensor std(const Tensor& x, const Dims& dims = {}, bool unbiased = true, bool keepdim = false);
// log(sum(exp(x))) computed as m + log(sum(exp(x - m))), m = max(x).
Tensor logsumexp(const Tensor& x, const Dims& dims, bool keepdim = false);
// (sum |x|^p)^(1/p); p = inf gives max |x|, p = 0 the count of non-zeros.
Tensor norm(const Tensor& x, double p = 2, const Dims& dims = {}, bool keepdim = false);
// Max/min along one dim with the index of the first extreme element.
std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim = false);

// Matrix product with torch.matmul's rules: 1-D operands are vectors, leading dims are
// batch dims and broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);
// Normalises over the last dim: (x - mean) / sqrt(var + eps) * weight + bias, with the
// biased variance (Ba et al. 2016, "Layer Normalization", eq. 4). weight and bias are
// optional (undefined tensors) 1-D tensors of the last dim's size.
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps = 1e-5);

// Joining and splitting.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 0);
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);

// Indexing. Index tensors are int64 with values in [0, size of the indexed dim).
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
// Copy of x with x[..., index[i,j,k], ...] (at `dim`) = src[i,j,k].
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
// Copy of x with x.select(dim, index[i]) += alpha * src.select(dim, i).
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                 Scalar alpha = 1);
// Rows of weight [num_embeddings, dim] picked by indices of any shape.
Tensor embedding(const Tensor& weight, const Tensor& indices);
// int64 tensor of indices.shape + [num_classes]; num_classes < 0 infers max + 1.
Tensor one_hot(const Tensor& indices, int64_t num_classes = -1);
Tensor tril(const Tensor& x, int64_t diagonal = 0);
Tensor triu(const Tensor& x, int64_t diagonal = 0);

// Scans and ordering.
Tensor cumsum(const Tensor& x, int64_t dim);
Tensor cumprod(const Tensor& x, int64_t dim);
// Stable sort along dim (NaN sorts as the largest value): (values, int64 indices).
std::pair<Tensor, Tensor> sort(const Tensor& x, int64_t dim = -1, bool descending = false);
std::pair<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim = -1, bool largest = true);

}  // namespace kiln
