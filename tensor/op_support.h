#pragma once

// Helpers shared by the op front ends (tensor/ops_*.cpp); not part of the public API.
#include "tensor/backend.h"
#include "tensor/tensor.h"

namespace kiln::detail {

inline Backend& backend_of(const Tensor& tensor) {
  return backend(tensor.device().type);
}

// Throws naming `op` when the tensors live on different devices.
void check_same_device(const char* op, const Tensor& a, const Tensor& b);
void check_index_dtype(const char* op, const Tensor& index);
void check_floating(const char* op, DType dtype);
inline void check_floating(const char* op, const Tensor& x) {
  check_floating(op, x.dtype());
}

// Throws naming `op` when writing into `out` would write one memory location twice (an
// expanded view with a zero stride).
void check_writable(const char* op, const Tensor& out);
// Throws naming `op` when `value` does not fit `dtype` (an integer out of range, say).
void check_representable(const char* op, Scalar value, DType dtype);

// A number as a 0-dim tensor of its own kind (bool, int64 or float64) on `device`.
Tensor wrap_scalar(Scalar value, Device device);

// The dtype a binary op computes in. Dimensioned tensors outrank 0-dim tensors, which
// outrank wrapped numbers; a lower-ranked operand changes the result only when its
// category (bool < integer < floating) is higher, and a wrapped float then gives float32.
DType result_type(const Tensor& a, bool a_wrapped, const Tensor& b, bool b_wrapped);

// `x` converted to `dtype` and broadcast to `shape` (both no-ops when already so).
Tensor prepare_operand(const Tensor& x, DType dtype, const Shape& shape);

// What the kernels along a dim take (tensor/backend.h): a contiguous tensor and its rows.
struct Rows {
  Tensor data;
  AroundDim layout;
};
// `x` (at least 1-D) made contiguous, with its rows along `dim`.
Rows rows_along(const Tensor& x, int dim);
// The rows of a reduction over `dims` (sorted, wrapped) into `kept` > 0 outputs: a
// contiguous input whose reduced dims lead is read down its columns in place ([1, reduced,
// kept]); any other moves the reduced dims last into a contiguous copy ([kept, reduced, 1]).
Rows rows_reducing(const Tensor& x, const Dims& dims, int64_t kept);

// Sorted, de-duplicated dims wrapped into [0, rank); every dim when `dims` is empty.
Dims reduction_dims(const char* op, const Dims& dims, int rank);
// `shape` with `dims` (sorted) set to 1, or removed without keepdim.
Shape reduced_shape(const Shape& shape, const Dims& dims, bool keepdim);

}  // namespace kiln::detail
