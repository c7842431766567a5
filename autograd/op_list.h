#pragma once

#include <cstdint>
#include <span>

#include "tensor/ops_list.h"

// Every differentiable op in kiln, by name. A recorded op names its graph node with its
// Op (record(Op::exp, ...)), so an op cannot record without being listed here; the op
// registry's coverage test then fails until the op has a registry entry with samples.
// X(name, ...): the first argument is the op's name; the rest is ignored here.

// Ops that record a node of their own.
#define KILN_RECORDED_OPS(X)      \
  KILN_UNARY_OPS(X)               \
  X(pow_scalar)                   \
  X(clamp)                        \
  KILN_ARITHMETIC_BINARY_OPS(X)   \
  X(add_scalar)                   \
  X(sub_scalar)                   \
  X(rsub_scalar)                  \
  X(mul_scalar)                   \
  X(div_scalar)                   \
  X(rdiv_scalar)                  \
  X(maximum_scalar)               \
  X(minimum_scalar)               \
  X(where)                        \
  X(masked_fill)                  \
  X(lerp)                         \
  X(lerp_scalar)                  \
  X(sum)                          \
  X(prod)                         \
  X(amax)                         \
  X(amin)                         \
  X(max)                          \
  X(min)                          \
  X(max_dim)                      \
  X(min_dim)                      \
  X(logsumexp)                    \
  X(norm)                         \
  X(matmul)                       \
  X(softmax)                      \
  X(log_softmax)                  \
  X(layer_norm)                   \
  X(batch_norm_training)          \
  X(lstm_cell_pointwise)          \
  X(view)                         \
  X(reshape)                      \
  X(permute)                      \
  X(transpose)                    \
  X(t)                            \
  X(narrow)                       \
  X(slice)                        \
  X(select)                       \
  X(expand)                       \
  X(squeeze)                      \
  X(unsqueeze)                    \
  X(flatten)                      \
  X(unfold)                       \
  X(clone)                        \
  X(to)                           \
  X(cat)                          \
  X(stack)                        \
  X(index_select)                 \
  X(gather)                       \
  X(scatter)                      \
  X(scatter_add)                  \
  X(index_add)                    \
  X(embedding)                    \
  X(tril)                         \
  X(triu)                         \
  X(cumsum)                       \
  X(cumprod)                      \
  X(sort)                         \
  X(topk)                         \
  X(add_)                         \
  X(mul_)                         \
  X(fill_)                        \
  X(copy_)                        \
  X(scaled_dot_product_attention) \
  X(selective_scan)               \
  X(binary_cross_entropy_elementwise)

// Ops built from recorded ones (their gradients follow); listed so that they, too, must
// have registry entries.
#define KILN_COMPOSITE_OPS(X) \
  X(mean)                     \
  X(var)                      \
  X(std)                      \
  X(split)                    \
  X(chunk)                    \
  X(contiguous)               \
  X(flip)                     \
  X(roll)                     \
  X(repeat)                   \
  X(tile)                     \
  X(repeat_interleave)        \
  X(einsum)                   \
  X(addmm)                    \
  X(baddbmm)                  \
  X(selective_scan_reference)

namespace kiln::autograd {

#define KILN_OP_ENUM(name, ...) name,
enum class Op : uint16_t { KILN_RECORDED_OPS(KILN_OP_ENUM) };
enum class CompositeOp : uint16_t { KILN_COMPOSITE_OPS(KILN_OP_ENUM) };
#undef KILN_OP_ENUM

const char* op_name(Op op);
const char* op_name(CompositeOp op);
// The names of every recorded op, then every composite op.
std::span<const char* const> recorded_op_names();
std::span<const char* const> composite_op_names();

}  // namespace kiln::autograd
