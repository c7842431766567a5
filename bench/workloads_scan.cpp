// W4 of WORKLOADS.md: Mamba's selective scan (softplus on delta, no z or delta_bias, real A,
// input-dependent B and C) at b 8, d 256, l 256, n 16; forward alone without grad, and
// forward + backward with u, delta, A, B, C and D requiring grad and a fixed output
// gradient. bench/pytorch/workloads.py times PyTorch's reference loop and a parallel scan
// under the same names.
#include <benchmark/benchmark.h>

#include "autograd/engine.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/creation.h"
#include "tensor/ops_selective_scan.h"
#include "tensor/parallel.h"

namespace kiln::bench {
namespace {

constexpr int64_t kBatch = 8, kChannels = 256, kLength = 256, kState = 16;

struct ScanInputs {
  std::vector<Tensor> operands;  // u, delta, A, B, C, D
  Tensor d_out;
  ScanInputs() {
    Generator generator(0);
    const Shape row{kBatch, kChannels, kLength}, varying{kBatch, kState, kLength};
    const Tensor u = randn(row, {}, &generator), delta = randn(row, {}, &generator) * 0.5;
    const Tensor a = -arange(1, kState + 1).to(kFloat32).expand({kChannels, kState}).contiguous();
    operands = {u,
                delta,
                a,
                randn(varying, {}, &generator),
                randn(varying, {}, &generator),
                randn({kChannels}, {}, &generator)};
    d_out = randn(row, {}, &generator);
  }
};

Tensor scan(const std::vector<Tensor>& v) {
  return selective_scan(v[0], v[1], v[2], v[3], v[4], v[5], {}, {}, true);
}

void w4_forward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const ScanInputs in;
  NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(scan(in.operands).data_ptr());
}

void w4_forward_backward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const ScanInputs in;
  std::vector<Tensor> leaves;
  for (const Tensor& x : in.operands) leaves.push_back(x.detach().requires_grad_());
  for (auto _ : state) {
    const std::vector<Tensor> grads = grad({scan(leaves)}, leaves, {in.d_out});
    benchmark::DoNotOptimize(grads[0].data_ptr());
  }
}

void threads(benchmark::internal::Benchmark* bench) {
  bench->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(w4_forward)->Name("W4_scan_forward")->Apply(threads);
BENCHMARK(w4_forward_backward)->Name("W4_scan_forward_backward")->Apply(threads);

}  // namespace
}  // namespace kiln::bench
