// Reference workloads W1 and W7 of WORKLOADS.md, and the autograd-overhead workloads (AG_*),
// in kiln. bench/compare.py runs this binary
// and bench/pytorch/workloads.py in one session and prints kiln/PyTorch time ratios.
// Benchmark names are "<workload>/threads:<n>", matching the PyTorch script's.
#include <benchmark/benchmark.h>

#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/parallel.h"

namespace kiln::bench {
namespace {

// Inputs are fixed tensors created once from seed 0, as WORKLOADS.md asks.
struct Inputs {
  Tensor a, b;  // W1: 1024 x 1024
  Tensor x, y;  // W7: 4096 x 1024
  Tensor weight, bias;
  Tensor into;
  Inputs() {
    Generator generator(0);
    a = randn({1024, 1024}, {}, &generator);
    b = randn({1024, 1024}, {}, &generator);
    x = randn({4096, 1024}, {}, &generator);
    y = randn({4096, 1024}, {}, &generator);
    weight = randn({1024}, {}, &generator);
    bias = randn({1024}, {}, &generator);
    into = empty({4096, 1024});
  }
};

const Inputs& inputs() {
  static const Inputs instance;
  return instance;
}

template <typename Body>
void run(benchmark::State& state, const Body& body) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Inputs& in = inputs();
  for (auto _ : state) body(in);
}

void w1_matmul(benchmark::State& state) {
  run(state, [](const Inputs& in) { benchmark::DoNotOptimize(matmul(in.a, in.b).data_ptr()); });
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * 1024 * 1024 * 1024 * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}
void w7_add(benchmark::State& state) {
  run(state, [](const Inputs& in) { benchmark::DoNotOptimize((in.x + in.y).data_ptr()); });
}
void w7_add_into(benchmark::State& state) {
  run(state, [](const Inputs& in) {
    Tensor out = in.into;
    benchmark::DoNotOptimize(add_out(out, in.x, in.y).data_ptr());
  });
}
void w7_gelu(benchmark::State& state) {
  run(state, [](const Inputs& in) { benchmark::DoNotOptimize(gelu(in.x).data_ptr()); });
}
void w7_softmax(benchmark::State& state) {
  run(state, [](const Inputs& in) { benchmark::DoNotOptimize(softmax(in.x, -1).data_ptr()); });
}
void w7_layer_norm(benchmark::State& state) {
  run(state, [](const Inputs& in) {
    benchmark::DoNotOptimize(layer_norm(in.x, in.weight, in.bias).data_ptr());
  });
}
void w7_sum(benchmark::State& state) {
  run(state, [](const Inputs& in) { benchmark::DoNotOptimize(in.x.sum().data_ptr()); });
}

// Seconds per op (shown with an SI prefix: 2.1u is 2.1 microseconds).
benchmark::Counter per_op(double ops) {
  return benchmark::Counter(
      ops, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// The MLP step as written: matmul, add, relu, matmul, add, square, mean.
constexpr double kMlpOps = 7;

// Autograd overhead: forward and backward of 1000 ops on 64 elements, alternating a multiply
// and an add by constant tensors, into one leaf's gradient.
void ag_chain(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Generator generator(0);
  Tensor x = randn({64}, {}, &generator).requires_grad_();
  const Tensor scale = rand({64}, {}, &generator) + 0.5, shift = randn({64}, {}, &generator);
  for (auto _ : state) {
    Tensor y = x;
    for (int i = 0; i < 500; ++i) y = y * scale + shift;
    y.sum().backward();
    x.set_grad({});
  }
  state.counters["time_per_op"] = per_op(1000);
}

// A 2-layer MLP training step without the optimizer: relu(x W1 + b1) W2 + b2, mean squared
// output, backward into the four parameters (batch 32, width 128).
void ag_mlp_step(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Generator generator(0);
  const Tensor x = randn({32, 128}, {}, &generator);
  std::vector<Tensor> parameters = {randn({128, 128}, {}, &generator) * 0.1, zeros({128}),
                                    randn({128, 128}, {}, &generator) * 0.1, zeros({128})};
  for (Tensor& p : parameters) p.requires_grad_();
  for (auto _ : state) {
    const Tensor hidden = (x.matmul(parameters[0]) + parameters[1]).relu();
    const Tensor out = hidden.matmul(parameters[2]) + parameters[3];
    out.square().mean().backward();
    for (Tensor& p : parameters) p.set_grad({});
  }
  state.counters["time_per_op"] = per_op(kMlpOps);
}

void threads(benchmark::internal::Benchmark* bench) {
  bench->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(w1_matmul)->Name("W1_matmul")->Apply(threads);
BENCHMARK(w7_add)->Name("W7_add")->Apply(threads);
BENCHMARK(w7_add_into)->Name("W7_add_into")->Apply(threads);
BENCHMARK(w7_gelu)->Name("W7_gelu")->Apply(threads);
BENCHMARK(w7_softmax)->Name("W7_softmax")->Apply(threads);
BENCHMARK(w7_layer_norm)->Name("W7_layer_norm")->Apply(threads);
BENCHMARK(w7_sum)->Name("W7_sum")->Apply(threads);
BENCHMARK(ag_chain)->Name("AG_chain_1000")->Apply(threads);
BENCHMARK(ag_mlp_step)->Name("AG_mlp_step")->Apply(threads);

}  // namespace
}  // namespace kiln::bench

BENCHMARK_MAIN();
