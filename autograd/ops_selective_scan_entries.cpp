// Registry entries of selective_scan and of its reference (autograd/ops_selective_scan.cpp):
// every input and every layout of B and C, the last state, a sequence longer than one
// checkpoint chunk.
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"
#include "tensor/ops_selective_scan.h"

namespace kiln::autograd {

namespace {

using namespace samples;

// A scan problem of Bt batches, D channels, L steps and N states; B and C of the given
// shapes (empty: fixed [D, N]).
struct Problem {
  int64_t batch = 2, channels = 4, length = 5, state = 3;
};

// A in [-1.5, -0.5] (a decaying state, as S4D-real's -exp(A_log)), delta near 0.
V operands(Generator& g, const Problem& p, const Shape& b_shape, const Shape& c_shape,
           bool with_options) {
  const Shape row{p.batch, p.channels, p.length};
  V v{leaf(normal(g, row)), leaf(uniform(g, row, -0.8, 0.8)),
      leaf(uniform(g, {p.channels, p.state}, -1.5, -0.5)), leaf(normal(g, b_shape)),
      leaf(normal(g, c_shape))};
  if (with_options) {
    v.push_back(leaf(normal(g, {p.channels})));              // D
    v.push_back(leaf(normal(g, row)));                       // z
    v.push_back(leaf(uniform(g, {p.channels}, -0.5, 0.5)));  // delta_bias
  }
  return v;
}

// The calls a sample list makes: without options, with all of them, and with the last state
// (both outputs flat, so that one check covers them).
struct ScanCalls {
  OpCall plain, full, with_last_state;
};

template <typename Scan>
OpCall both_outputs(Scan scan) {
  return [scan](const V& v) {
    const SelectiveScanOutput r = scan(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], true);
    return cat({r.out.flatten(), r.last_state.flatten()});
  };
}

const ScanCalls kKernelCalls{
    [](const V& v) { return selective_scan(v[0], v[1], v[2], v[3], v[4]); },
    [](const V& v) { return selective_scan(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], true); },
    both_outputs(selective_scan_with_last_state)};

const ScanCalls kReferenceCalls{
    [](const V& v) { return selective_scan_reference(v[0], v[1], v[2], v[3], v[4]).out; },
    [](const V& v) {
      return selective_scan_reference(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], true).out;
    },
    both_outputs(selective_scan_reference)};

std::vector<OpSample> scan_samples(Generator& g, const ScanCalls& calls) {
  const Problem p;
  const Problem long_one{.batch = 1, .channels = 2, .length = 70, .state = 2};
  const Shape fixed{p.channels, p.state}, varying{p.batch, p.state, p.length},
      grouped{p.batch, 2, p.state, p.length};
  return {
      {"B and C fixed [D, N]", operands(g, p, fixed, fixed, false), calls.plain},
      {"B and C input-dependent [Bt, N, L]", operands(g, p, varying, varying, false), calls.plain},
      {"B and C in 2 groups [Bt, G, N, L], with D, z, delta_bias, softplus",
       operands(g, p, grouped, grouped, true), calls.full},
      {"B fixed, C input-dependent, with D, z, delta_bias, softplus",
       operands(g, p, fixed, varying, true), calls.full},
      {"B input-dependent, C fixed, with D, z, delta_bias, softplus",
       operands(g, p, varying, fixed, true), calls.full},
      {"70 steps, more than one checkpoint chunk",
       operands(g, long_one, {1, 1, 2, 70}, {1, 2, 70}, true), calls.full},
      {"with the last state", operands(g, p, grouped, grouped, true), calls.with_last_state},
      {"one step, one state",
       operands(g, {.batch = 1, .channels = 2, .length = 1, .state = 1}, {1, 1, 1}, {2, 1}, true),
       calls.full}};
}

// 7 per state and step forward: dt A, its exp (counted as one), the update's mul and fma,
// the readout's fma.
double scan_flops(const V& inputs, const Tensor& out) {
  return 7.0 * static_cast<double>(out.numel()) * static_cast<double>(inputs[2].size(1));
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back({.op = Op::selective_scan,
                     .samples = [](Generator& g) { return scan_samples(g, kKernelCalls); },
                     .forward_atol = 1e-4,
                     .flops = scan_flops});
  entries.push_back({.op = CompositeOp::selective_scan_reference,
                     .samples = [](Generator& g) { return scan_samples(g, kReferenceCalls); },
                     .forward_atol = 1e-4,
                     .flops = scan_flops});
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::selective_scan,
     {
         {"SelectiveScanUnbatched",
          [] {
            selective_scan(f32({4, 5}), f32({4, 5}), f32({4, 3}), f32({4, 3}), f32({4, 3}));
          },
          {"selective_scan: u must be [Bt, D, L], got shape [4, 5]"}},
         {"SelectiveScanAOfOtherChannels",
          [] {
            selective_scan(f32({2, 4, 5}), f32({2, 4, 5}), f32({3, 3}), f32({4, 3}), f32({4, 3}));
          },
          {"selective_scan: A of shape [3, 3] should be [D, N] with D = 4"}},
         {"SelectiveScanBOfNoLayout",
          [] {
            selective_scan(f32({2, 4, 5}), f32({2, 4, 5}), f32({4, 3}), f32({2, 3, 4}),
                           f32({4, 3}));
          },
          {"selective_scan: B of shape [2, 3, 4] fits none of [D, N] = [4, 3], [Bt, N, L] = "
           "[2, 3, 5]"}},
         {"SelectiveScanGroupsDoNotDivide",
          [] {
            selective_scan(f32({2, 4, 5}), f32({2, 4, 5}), f32({4, 3}), f32({4, 3}),
                           f32({2, 3, 3, 5}));
          },
          {"selective_scan: C of shape [2, 3, 3, 5]", "G dividing D = 4"}},
         {"SelectiveScanGroupsDiffer",
          [] {
            selective_scan(f32({2, 4, 5}), f32({2, 4, 5}), f32({4, 3}), f32({2, 2, 3, 5}),
                           f32({2, 4, 3, 5}));
          },
          {"selective_scan: input-dependent B [2, 2, 3, 5] and C [2, 4, 3, 5] must have the same "
           "number of groups"}},
         {"SelectiveScanDeltaShape",
          [] {
            selective_scan(f32({2, 4, 5}), f32({2, 4, 6}), f32({4, 3}), f32({4, 3}), f32({4, 3}));
          },
          {"selective_scan: delta of shape [2, 4, 6] should be [2, 4, 5]"}},
         {"SelectiveScanSkipShape",
          [] {
            selective_scan(f32({2, 4, 5}), f32({2, 4, 5}), f32({4, 3}), f32({4, 3}), f32({4, 3}),
                           f32({5}));
          },
          {"selective_scan: D of shape [5] should be [4]"}},
         {"SelectiveScanMixedDtypes",
          [] {
            selective_scan(f32({2, 4, 5}), f32({2, 4, 5}), f64({4, 3}), f32({4, 3}), f32({4, 3}));
          },
          {"selective_scan: A dtype float64 differs from u's float32"}},
         {"SelectiveScanOfInt64",
          [] {
            selective_scan(i64({2, 4, 5}), i64({2, 4, 5}), i64({4, 3}), i64({4, 3}), i64({4, 3}));
          },
          {"selective_scan: expects a floating dtype, got int64"}},
     }},
});

// W4 of ../shared/WORKLOADS.md at Large (b 8, d 256, l 256, n 16, softplus, no z or
// delta_bias): u and delta randn (delta x 0.5), A = -[1..N] per channel, B and C randn
// [Bt, N, L], D randn; a small problem at Small, where the cost of a call shows.
V w4_inputs(Generator& g, BenchSize size) {
  const Problem p = by_size<Problem>(size, {.batch = 1, .channels = 16, .length = 64, .state = 8},
                                     {.batch = 8, .channels = 256, .length = 256, .state = 16});
  const Shape row{p.batch, p.channels, p.length}, varying{p.batch, p.state, p.length};
  std::vector<double> a;
  for (int64_t d = 0; d < p.channels; ++d) {
    for (int64_t n = 1; n <= p.state; ++n) a.push_back(-static_cast<double>(n));
  }
  return {normal(g, row),     normal(g, row) * 0.5, from_vector(a, {p.channels, p.state}),
          normal(g, varying), normal(g, varying),   normal(g, {p.channels})};
}

const BenchmarkRegistrar benchmarks({
    {Op::selective_scan,
     [](Generator& g, BenchSize size) {
       return std::vector<OpSample>{bench_sample(w4_inputs(g, size), [](const V& v) {
         return selective_scan(v[0], v[1], v[2], v[3], v[4], v[5], {}, {}, true);
       })};
     }},
    {CompositeOp::selective_scan_reference,
     [](Generator& g, BenchSize size) {
       return std::vector<OpSample>{bench_sample(w4_inputs(g, size), [](const V& v) {
         return selective_scan_reference(v[0], v[1], v[2], v[3], v[4], v[5], {}, {}, true).out;
       })};
     }},
});

}  // namespace

}  // namespace kiln::autograd
