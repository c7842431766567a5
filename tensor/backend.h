#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "tensor/around_dim.h"
#include "tensor/device.h"
#include "tensor/dims.h"
#include "tensor/ops_list.h"
#include "tensor/scalar.h"

namespace kiln {

class Tensor;
struct FusedUpdateKernel;

enum class UnaryOp : uint8_t {
  KILN_UNARY_OPS(KILN_ENUM_ENTRY) KILN_PARAMETRIC_UNARY_OPS(KILN_ENUM_ENTRY)
};
inline constexpr int kUnaryOpCount =
    0 KILN_UNARY_OPS(KILN_COUNT_ENTRY) KILN_PARAMETRIC_UNARY_OPS(KILN_COUNT_ENTRY);

enum class BinaryOp : uint8_t { KILN_BINARY_OPS(KILN_ENUM_ENTRY) };
inline constexpr int kBinaryOpCount = 0 KILN_BINARY_OPS(KILN_COUNT_ENTRY);

const char* op_name(UnaryOp op);
const char* op_name(BinaryOp op);

// Parameters of the parametric unary ops: the exponent of pow, the bounds of clamp.
struct UnaryParams {
  double a = 0;
  double b = 0;
};

enum class ReduceOp : uint8_t { Sum, Prod, Max, Min, All, Any };
enum class ScanOp : uint8_t { Sum, Prod };
enum class ScatterMode : uint8_t { Assign, Add };
enum class Distribution : uint8_t { Uniform, Normal, Bernoulli, Integer };

// Where a random draw starts in the Philox 4x32-10 stream: element i of the output uses
// the counter block `offset + i / lanes` (see tensor/random.h for the exact mapping).
struct PhiloxPosition {
  uint64_t seed = 0;
  uint64_t offset = 0;
};

// The dispatch seam: everything a device must provide, one virtual per kernel family of the
// first round. New families register their kernels by (family, device) in
// tensor/dispatch.h instead, which needs no entry here (docs/adding-an-op.md).
// The op front end (tensor/ops_<family>.cpp) validates arguments and prepares operands
// once for every backend, so that kernels see only these conventions and never call back
// into the front end:
// - `out` (and `values`/`indices`) is freshly allocated, contiguous and not empty (but for
//   index_select's, whose indices are checked all the same), except for the in-place
//   kernels fill, copy, scatter and index_add, which write through `self`;
// - elementwise inputs are already broadcast to out's shape (zero strides) and converted
//   to the dtype the op computes in; gather's and scatter's may be any strided view;
// - the ops along a dim (reductions, scans, sort, softmax) get a contiguous input and its
//   `rows` (tensor/around_dim.h): element i of row (o, j) is at o*length*inner + i*inner +
//   j, and output element (o, j) at o*inner + j;
// - dims are already wrapped into [0, rank); index_select's and index_add's operands are
//   contiguous and at least 1-D;
// - index tensors are int64; kernels check their values against the indexed extent and
//   throw kiln::Error when one is out of range.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;

  virtual void* allocate(size_t nbytes, int device_index) = 0;
  virtual void deallocate(void* data, size_t nbytes) noexcept = 0;
  virtual void copy_from_host(void* device_dst, const void* host_src, size_t nbytes) = 0;
  virtual void copy_to_host(void* host_dst, const void* device_src, size_t nbytes) = 0;
  // Blocks until the work queued on the device has run (kernels of an asynchronous device
  // return before they finish); the CPU's run when called.
  virtual void synchronize(int /*device_index*/) {}

  virtual void fill(const Tensor& out, Scalar value) = 0;
  // out and in have one shape; converts between dtypes.
  virtual void copy(const Tensor& out, const Tensor& in) = 0;
  virtual void arange(const Tensor& out, double start, double step) = 0;
  virtual void random(Distribution distribution, const Tensor& out, PhiloxPosition position,
                      double a, double b) = 0;

  virtual void unary(UnaryOp op, const Tensor& out, const Tensor& in, UnaryParams params) = 0;
  virtual void binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) = 0;
  virtual void where(const Tensor& out, const Tensor& condition, const Tensor& a,
                     const Tensor& b) = 0;

  // out[o, j] = the reduction of row (o, j).
  virtual void reduce(ReduceOp op, const Tensor& out, const Tensor& in, AroundDim rows) = 0;
  // Max or Min of each row with the index of the first extreme (NaN counts as extreme).
  virtual void arg_reduce(ReduceOp op, const Tensor& values, const Tensor& indices,
                          const Tensor& in, AroundDim rows) = 0;
  virtual void scan(ScanOp op, const Tensor& out, const Tensor& in, AroundDim rows) = 0;
  // Stable: equal values keep their order (NaN sorts as the largest value).
  virtual void sort(const Tensor& values, const Tensor& indices, const Tensor& in, AroundDim rows,
                    bool descending) = 0;

  // a [batch..., M, K] and b [batch..., K, N] share their (broadcast) batch dims.
  virtual void matmul(const Tensor& out, const Tensor& a, const Tensor& b) = 0;
  virtual void softmax(const Tensor& out, const Tensor& in, AroundDim rows, bool log) = 0;
  // Over the last dim of a contiguous `in`; weight and bias may be undefined. mean and
  // rstd (1 / sqrt(var + eps)) have in's shape without its last dim.
  virtual void layer_norm(const Tensor& out, const Tensor& mean, const Tensor& rstd,
                          const Tensor& in, const Tensor& weight, const Tensor& bias,
                          double eps) = 0;

  virtual void index_select(const Tensor& out, const Tensor& in, int dim, const Tensor& index) = 0;
  virtual void gather(const Tensor& out, const Tensor& in, int dim, const Tensor& index) = 0;
  virtual void scatter(const Tensor& self, int dim, const Tensor& index, const Tensor& src,
                       ScatterMode mode) = 0;
  // self.select(dim, index[i]) += src.select(dim, i) for each i.
  virtual void index_add(const Tensor& self, int dim, const Tensor& index, const Tensor& src) = 0;

  // A fused update (tensor/fused_update.h): `count` element updates of `kernel`'s formula,
  // a host array, whose tensors are contiguous, of one dtype and on `device`; the largest
  // updates `largest` elements.
  virtual void fused_update(const FusedUpdateKernel& kernel, Device device, const void* updates,
                            size_t count, int64_t largest) = 0;

  // Fused attention (tensor/ops_attention.h) over contiguous q [B, L, E], k [B, S, E] and
  // v [B, S, Ev] of one floating dtype: out [B, L, Ev] and the rows' logsumexp [B, L]
  // forward; dq, dk, dv from d_out (contiguous), logsumexp and delta [B, L] (the rows'
  // d_out . out) backward. A backend
  // without fused kernels keeps these defaults, and attention is composed from the other
  // kernels; one with them may still decline a shape (attention_forward returns false), but
  // never the backward pass of a forward pass it ran.
  virtual bool has_fused_attention() const { return false; }
  virtual bool attention_forward(const Tensor& /*out*/, const Tensor& /*logsumexp*/,
                                 const Tensor& /*q*/, const Tensor& /*k*/, const Tensor& /*v*/,
                                 double /*scale*/, bool /*causal*/) {
    return false;
  }
  virtual bool attention_backward(const Tensor& /*dq*/, const Tensor& /*dk*/, const Tensor& /*dv*/,
                                  const Tensor& /*d_out*/, const Tensor& /*q*/, const Tensor& /*k*/,
                                  const Tensor& /*v*/, const Tensor& /*logsumexp*/,
                                  const Tensor& /*delta*/, double /*scale*/, bool /*causal*/) {
    return false;
  }
};

// The backend serving `type`; throws kiln::Error when kiln was built without it.
Backend& backend(DeviceType type);
// Blocks until the work queued on `device` has run: what a timing waits for.
void synchronize(Device device);
void register_backend(DeviceType type, Backend* implementation);

}  // namespace kiln
