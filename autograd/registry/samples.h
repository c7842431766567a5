#pragma once

// Building blocks for registry samples. Every value is drawn from the generator passed in,
// so the samples are the same on every run.
#include <functional>
#include <initializer_list>
#include <vector>

#include "autograd/op_list.h"
#include "autograd/registry/op_registry.h"

namespace kiln::autograd::samples {

// What an entries file (autograd/ops_<family>_entries.cpp, nn/<file>_entries.cpp) uses,
// brought in by `using namespace autograd::samples`.
using autograd::BadInputRegistrar;
using autograd::BenchmarkRegistrar;
using autograd::BenchmarkSamples;
using autograd::BenchSize;
using autograd::entry_of;
using autograd::OpCall;
using autograd::OpEntry;
using autograd::OpEntryRegistrar;
using autograd::OpSample;
using V = std::vector<Tensor>;

// Standard normal float64 values.
Tensor normal(Generator& g, const Shape& shape);
// Uniform in [low, high).
Tensor uniform(Generator& g, const Shape& shape, double low, double high);
// Normal values moved at least `margin` away from each of `kinks` (where the op's
// derivative jumps), so central differences never straddle one.
Tensor avoiding(Generator& g, const Shape& shape, const std::vector<double>& kinks,
                double margin = 0.1);
// Values on the grid offset + k/2 (k integer, from normal draws): two tensors on grids
// offset by 1/4 never come within 1/4 of each other, so maximum/minimum never tie.
Tensor on_grid(Generator& g, const Shape& shape, double offset);
// The transpose of a [shape[1], shape[0]] tensor: values of `shape`, non-contiguous.
Tensor transposed(const Tensor& values);
// Marks the tensor as an input to differentiate (returns it).
Tensor leaf(Tensor values);
Tensor indices(std::initializer_list<int64_t> values, const Shape& shape);

// Zeros of each dtype, for bad-input rows.
Tensor f32(const Shape& shape);
Tensor f64(const Shape& shape);
Tensor i64(const Shape& shape);
Tensor bools(const Shape& shape);

// How the values of a unary op's input are drawn.
enum class Domain { Real, Positive, AwayFromZero, Unit };
Tensor draw(Generator& g, const Shape& shape, Domain domain);

using Draw = std::function<Tensor(Generator&, const Shape&)>;
// The usual shapes for an elementwise op: 0-dim, vector, matrix, non-contiguous, size-1
// dims, empty; values from `draw`.
std::vector<OpSample> unary(Generator& g, const Draw& draw, const OpCall& call);
std::vector<OpSample> unary(Generator& g, Domain domain, const OpCall& call);
// Pairs of shapes: equal, broadcast both ways, 0-dim with a vector, non-contiguous.
std::vector<OpSample> binary(Generator& g, Domain a_domain, Domain b_domain, const OpCall& call);

// One sample of a one-input op: a normal leaf of `shape` (non-contiguous if asked; then
// shape is 2-D) passed to `call`.
struct Variant {
  const char* label;
  Shape shape;
  OpCall call;
  bool non_contiguous = false;
};
std::vector<OpSample> variants(Generator& g, const std::vector<Variant>& list);

// Benchmark samples (OpEntry::benchmarks).
// `small` or `large`, by the size.
template <typename T>
T by_size(BenchSize size, T small, T large) {
  return size == BenchSize::Small ? small : large;
}
// The elementwise operand of a size: [64, 64] or [4096, 1024].
Shape bench_matrix(BenchSize size);
// One sample labelled by its inputs' shapes.
OpSample bench_sample(std::vector<Tensor> inputs, OpCall call);
// `call` on one matrix of the size, values from `domain`.
std::vector<OpSample> bench_unary(Generator& g, BenchSize size, Domain domain, const OpCall& call);
// `call` on two matrices of the size.
std::vector<OpSample> bench_binary(Generator& g, BenchSize size, Domain a, Domain b,
                                   const OpCall& call);
// int64 values in [0, high), for index inputs.
Tensor random_indices(Generator& g, const Shape& shape, int64_t high);

// Entries of the common shapes of op, with their samples.
OpEntry entry(OpId op, std::function<std::vector<OpSample>(Generator&)> samples,
              double flops_per_element = 1);
// An elementwise op of one tensor, `flops` per element.
OpEntry unary_entry(OpId op, Domain domain, OpCall call, double flops = 1);
// The same with check values from `draw` (an op with kinks away from 0).
OpEntry unary_entry(OpId op, Draw draw, OpCall call, double flops = 1);
// An elementwise op of two tensors, `flops` per element.
OpEntry binary_entry(OpId op, Domain a, Domain b, OpCall call, double flops = 1);
// `entry` with `more` samples after its own (an option of the op, such as add's alpha).
OpEntry with_samples(OpEntry entry, std::function<std::vector<OpSample>(Generator&)> more);
// An op of one input with no arithmetic (a view or a copy): `list`'s variants.
OpEntry variants_entry(OpId op, std::vector<Variant> list);
// An op along one dim (call(x, dim)): dim 1 of [3, 4], dim 0 of a non-contiguous [3, 4], and
// a 0-dim input.
OpEntry along_entry(OpId op, Domain domain, std::function<Tensor(const Tensor&, int64_t)> call);

}  // namespace kiln::autograd::samples
