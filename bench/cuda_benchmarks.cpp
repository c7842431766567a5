// CUDA benchmarks, meaningful on a real GPU only (the targets in brackets):
// - CUDA_matmul: kiln's matmul against a bare cuBLAS call on the same buffers [>= 0.95 at
//   n >= 1024];
// - CUDA_add, CUDA_gelu, CUDA_sum: elementwise and reduction kernels on 64M float32 against
//   a device-to-device copy in the same binary, in GB/s [>= 0.8 of the copy's];
// - CUDA_attention: fused attention forward + backward, batch 8, 8 heads, head dim 64,
//   sequence 1k and 4k (PyTorch's twin: bench/pytorch/cuda_workloads.py);
// - CUDA_W2_transformer_step, CUDA_W3_lstm_step: WORKLOADS.md's W2 and W3 at batch 256.
// Times come from CUDA events around each iteration. On the emulator the same binary runs
// at tiny sizes as a smoke test: it reports no rates, since a host emulation has no speed.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <functional>

#include "autograd/functions.h"
#include "bench/ratio_reporter.h"
#include "bench/training_workloads.h"
#include "tensor/creation.h"
#include "tensor/cuda/blas.h"
#include "tensor/cuda/cuda.h"
#include "tensor/cuda/runtime.h"
#include "tensor/cuda/stream.h"

namespace kiln::bench {
namespace {

constexpr Device kGpu = cuda_device(0);

bool emulated() {
  static const bool value = cuda::runtime::properties(0).emulated;
  return value;
}

// Times `body` per iteration with events on the current stream.
void time_on_gpu(benchmark::State& state, const std::function<void()>& body) {
  body();  // warm-up: first-use allocations and handles
  cuda::synchronize();
  cuda::Event start, end;
  for (auto _ : state) {
    start.record();
    body();
    end.record();
    end.synchronize();
    state.SetIterationTime(end.elapsed_ms_since(start) / 1e3);
  }
}

// Sets a rate counter (per second, in units of `per_iteration`) unless on the emulator.
void rate(benchmark::State& state, const char* unit, double per_iteration) {
  if (emulated()) {
    state.SetLabel("emulator smoke test: no speed");
    return;
  }
  state.counters[unit] =
      benchmark::Counter(per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

int64_t matmul_size(const benchmark::State& state) {
  return emulated() ? 64 : state.range(0);
}

void matmul_kiln(benchmark::State& state) {
  const int64_t n = matmul_size(state);
  const Tensor a = randn({n, n}, {.device = kGpu}), b = randn({n, n}, {.device = kGpu});
  time_on_gpu(state, [&] { benchmark::DoNotOptimize(a.matmul(b)); });
  rate(state, "GFLOP/s", 2.0 * n * n * n / 1e9);
}

// The same product as one cublasSgemm on buffers allocated once.
void matmul_cublas(benchmark::State& state) {
  const int64_t n = matmul_size(state);
  const Tensor a = randn({n, n}, {.device = kGpu}), b = randn({n, n}, {.device = kGpu});
  const Tensor c = empty({n, n}, {.device = kGpu});
  const int size = static_cast<int>(n);
  time_on_gpu(state, [&] {
    cuda::blas::gemm_strided_batched<float>(0, cuda::current_stream(), cuda::blas::Transpose::No,
                                            cuda::blas::Transpose::No, size, size, size, 1.0f,
                                            b.data<float>(), size, 0, a.data<float>(), size, 0,
                                            0.0f, c.data<float>(), size, 0, 1);
  });
  rate(state, "GFLOP/s", 2.0 * n * n * n / 1e9);
}

int64_t stream_size() {
  return emulated() ? 4096 : int64_t{64} << 20;
}

// GB/s counting each input read once and the output written once.
void add_kiln(benchmark::State& state) {
  const int64_t n = stream_size();
  const Tensor x = randn({n}, {.device = kGpu}), y = randn({n}, {.device = kGpu});
  time_on_gpu(state, [&] { benchmark::DoNotOptimize(x + y); });
  rate(state, "GB/s", 3.0 * n * sizeof(float) / 1e9);
}

void gelu_kiln(benchmark::State& state) {
  const int64_t n = stream_size();
  const Tensor x = randn({n}, {.device = kGpu});
  time_on_gpu(state, [&] { benchmark::DoNotOptimize(gelu(x)); });
  rate(state, "GB/s", 2.0 * n * sizeof(float) / 1e9);
}

void sum_kiln(benchmark::State& state) {
  const int64_t n = stream_size();
  const Tensor x = randn({n}, {.device = kGpu});
  time_on_gpu(state, [&] { benchmark::DoNotOptimize(x.sum()); });
  rate(state, "GB/s", 1.0 * n * sizeof(float) / 1e9);
}

// The bandwidth reference: a device-to-device copy of n floats (read once, written once).
void copy_peer(benchmark::State& state) {
  const int64_t n = stream_size();
  const Tensor x = randn({n}, {.device = kGpu}), y = empty({n}, {.device = kGpu});
  time_on_gpu(state, [&] {
    cuda::runtime::memcpy_async(y.data_ptr(), x.data_ptr(), n * sizeof(float),
                                cuda::runtime::CopyKind::DeviceToDevice, cuda::current_stream());
  });
  rate(state, "GB/s", 2.0 * n * sizeof(float) / 1e9);
}

void attention(benchmark::State& state) {
  const bool tiny = emulated();
  const int64_t batch = tiny ? 1 : 8, heads = tiny ? 2 : 8, length = tiny ? 64 : state.range(0);
  const int64_t head = tiny ? 16 : 64;
  const Tensor q = randn({batch, heads, length, head}, {.device = kGpu}).requires_grad_();
  const Tensor k = randn({batch, heads, length, head}, {.device = kGpu}).requires_grad_();
  const Tensor v = randn({batch, heads, length, head}, {.device = kGpu}).requires_grad_();
  const Tensor d_out = randn({batch, heads, length, head}, {.device = kGpu});
  time_on_gpu(state, [&] { scaled_dot_product_attention(q, k, v).backward(d_out); });
  // Forward 2 matmuls, backward 5, each 2 L^2 E flops per head.
  rate(state, "GFLOP/s", 7.0 * 2 * batch * heads * length * length * head / 1e9);
}

void w2_step(benchmark::State& state) {
  const std::function<void()> step = w2_transformer_step(emulated() ? 2 : 256, kGpu);
  time_on_gpu(state, step);
  rate(state, "steps/s", 1);
}

void w3_step(benchmark::State& state) {
  const std::function<void()> step = w3_lstm_step(emulated() ? 2 : 256, kGpu);
  time_on_gpu(state, step);
  rate(state, "steps/s", 1);
}

void on_gpu(benchmark::internal::Benchmark* bench) {
  bench->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(matmul_kiln)->Name("CUDA_matmul/kiln")->Arg(1024)->Arg(2048)->Arg(4096)->Apply(on_gpu);
BENCHMARK(matmul_cublas)
    ->Name("CUDA_matmul/cublas")
    ->Arg(1024)
    ->Arg(2048)
    ->Arg(4096)
    ->Apply(on_gpu);
BENCHMARK(add_kiln)->Name("CUDA_add/kiln/64M")->Apply(on_gpu);
BENCHMARK(copy_peer)->Name("CUDA_add/d2d_copy/64M")->Apply(on_gpu);
BENCHMARK(gelu_kiln)->Name("CUDA_gelu/kiln/64M")->Apply(on_gpu);
BENCHMARK(copy_peer)->Name("CUDA_gelu/d2d_copy/64M")->Apply(on_gpu);
BENCHMARK(sum_kiln)->Name("CUDA_sum/kiln/64M")->Apply(on_gpu);
BENCHMARK(copy_peer)->Name("CUDA_sum/d2d_copy/64M")->Apply(on_gpu);
BENCHMARK(attention)
    ->Name("CUDA_attention_fwd_bwd")
    ->ArgName("L")
    ->Arg(1024)
    ->Arg(4096)
    ->Apply(on_gpu);
BENCHMARK(w2_step)->Name("CUDA_W2_transformer_step")->Apply(on_gpu);
BENCHMARK(w3_step)->Name("CUDA_W3_lstm_step")->Apply(on_gpu);

}  // namespace
}  // namespace kiln::bench

int main(int argc, char** argv) {
  if (!kiln::cuda::is_available()) {
    std::printf("kiln_bench_cuda: no CUDA device, nothing to measure\n");
    return 0;
  }
  return kiln::bench::run_benchmarks(argc, argv);
}
