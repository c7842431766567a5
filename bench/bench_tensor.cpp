// Micro-benchmarks of the tensor core, each beside a peer measured in the same binary:
// - matmul vs a raw cblas_sgemm on the same buffers (target: ratio >= 0.95 from 256 up);
// - small and skinny products of the training steps (a right operand that fits in L1, which
//   kiln computes without BLAS) vs cblas_sgemm called per matrix of the batch, one thread;
// - add, mul, gelu, sum, softmax over rows of 1024, on 4M float32, vs a plain parallel
//   copy loop (target: >= 0.7 of its GB/s at 2 threads);
// - the latency of a 64-element add: kiln's whole per-op overhead (target: <= 300 ns).
// Arguments: the thread count comes last in each case name (".../threads:N").
#include <cblas.h>

#include <benchmark/benchmark.h>

#include "autograd/functions.h"
#include "bench/ratio_reporter.h"
#include "tensor/cpu/parallel.h"
#include "tensor/creation.h"
#include "tensor/parallel.h"

namespace kiln::bench {
namespace {

void set_flops(benchmark::State& state, double flops_per_call) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_call * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

void set_bytes(benchmark::State& state, double bytes_per_call) {
  state.counters["GB/s"] =
      benchmark::Counter(bytes_per_call * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

// Args: M, N, K, threads.
void matmul_kiln(benchmark::State& state) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  set_num_threads(static_cast<int>(state.range(3)));
  const Tensor a = randn({m, k}), b = randn({k, n});
  for (auto _ : state) benchmark::DoNotOptimize(matmul(a, b).data_ptr());
  set_flops(state, 2.0 * m * n * k);
}

// The peer: OpenBLAS threading itself with as many threads (kiln keeps OpenBLAS at one
// thread and tiles products over oneTBB instead; see tensor/cpu/matmul.cpp).
void matmul_cblas(benchmark::State& state) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  set_num_threads(static_cast<int>(state.range(3)));
  openblas_set_num_threads(static_cast<int>(state.range(3)));
  const Tensor a = randn({m, k}), b = randn({k, n});
  Tensor c = empty({m, n});
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a.data<float>(), k,
                b.data<float>(), n, 0.0f, c.data<float>(), n);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  openblas_set_num_threads(1);
  set_flops(state, 2.0 * m * n * k);
}

void matmul_shapes(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"M", "N", "K", "threads"});
  for (int threads : {1, 2}) {
    for (int64_t size : {64, 128, 256, 512, 1024, 2048}) bench->Args({size, size, size, threads});
    // Training shapes: a batch of 2048 tokens through 128 -> 512 -> 128 layers and back.
    bench->Args({2048, 512, 128, threads});
    bench->Args({2048, 128, 512, threads});
    bench->Args({128, 512, 2048, threads});
  }
}

BENCHMARK(matmul_kiln)->Name("matmul/kiln")->Apply(matmul_shapes)->UseRealTime();
BENCHMARK(matmul_cblas)->Name("matmul/cblas")->Apply(matmul_shapes)->UseRealTime();

// Args: batch, M, N, K; one thread.
void batched_kiln(benchmark::State& state) {
  const int64_t batch = state.range(0), m = state.range(1), n = state.range(2), k = state.range(3);
  set_num_threads(1);
  const Tensor a = randn({batch, m, k}), b = randn({batch, k, n});
  for (auto _ : state) benchmark::DoNotOptimize(matmul(a, b).data_ptr());
  set_flops(state, 2.0 * batch * m * n * k);
}

void batched_cblas(benchmark::State& state) {
  const int64_t batch = state.range(0), m = state.range(1), n = state.range(2), k = state.range(3);
  set_num_threads(1);
  const Tensor a = randn({batch, m, k}), b = randn({batch, k, n});
  Tensor c = empty({batch, m, n});
  for (auto _ : state) {
    for (int64_t s = 0; s < batch; ++s) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f,
                  a.data<float>() + s * m * k, k, b.data<float>() + s * k * n, n, 0.0f,
                  c.data<float>() + s * m * n, n);
    }
    benchmark::DoNotOptimize(c.data_ptr());
  }
  set_flops(state, 2.0 * batch * m * n * k);
}

void small_shapes(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"batch", "M", "N", "K"});
  // PatchTST (W5): attention scores and values with heads of 4 over 42 patches, and the
  // Linear(16, 128), Linear(128, 16) and Linear(16, 16) layers over its 37,632 tokens.
  bench->Args({3584, 42, 42, 4})->Args({3584, 42, 4, 42});
  bench->Args({1, 37632, 128, 16})->Args({1, 37632, 16, 128})->Args({1, 37632, 16, 16});
  // The attention model's decoder (W6): a glimpse's scores and values per head, the
  // logits, and an outer product of the backward pass.
  bench->Args({4096, 1, 20, 16})->Args({4096, 1, 16, 20})->Args({512, 1, 20, 128});
  bench->Args({4096, 20, 16, 1});
  bench->Args({4096, 20, 16, 20})->Args({4096, 20, 20, 16});
}

BENCHMARK(batched_kiln)->Name("small_matmul/kiln")->Apply(small_shapes)->UseRealTime();
BENCHMARK(batched_cblas)->Name("small_matmul/cblas")->Apply(small_shapes)->UseRealTime();

constexpr int64_t kElements = 4 << 20;  // 4M float32 = 16 MiB per tensor
constexpr double kTensorBytes = kElements * 4.0;

// The reference bandwidth: out[i] = in[i] over the same element count and threads.
void stream_copy(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Tensor in = randn({kElements});
  Tensor out = empty({kElements});
  const float* source = in.data<float>();
  float* target = out.data<float>();
  for (auto _ : state) {
    cpu::parallel_for(kElements, cpu::kParallelGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) target[i] = source[i];
    });
    benchmark::DoNotOptimize(target);
  }
  set_bytes(state, 2 * kTensorBytes);
}

enum class Op { Add, Mul, Gelu, Sum, Softmax };

template <Op op>
void elementwise_kiln(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Tensor x = randn({kElements / 1024, 1024}), y = randn({kElements / 1024, 1024});
  for (auto _ : state) {
    Tensor result;
    if constexpr (op == Op::Add) result = x + y;
    if constexpr (op == Op::Mul) result = x * y;
    if constexpr (op == Op::Gelu) result = gelu(x);
    if constexpr (op == Op::Sum) result = x.sum();
    if constexpr (op == Op::Softmax) result = softmax(x, -1);
    benchmark::DoNotOptimize(result.data_ptr());
  }
  // Bytes moved: each input read once, the output written once.
  const double inputs = op == Op::Add || op == Op::Mul ? 2 : 1;
  const double outputs = op == Op::Sum ? 0 : 1;
  set_bytes(state, (inputs + outputs) * kTensorBytes);
}

void thread_counts(benchmark::internal::Benchmark* bench) {
  bench->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();
}

// Each op is paired with the copy loop under its own name, so the reporter prints a ratio.
#define KILN_ELEMENTWISE_BENCH(op_name, Enum)                                         \
  BENCHMARK(elementwise_kiln<Op::Enum>)->Name(op_name "/kiln")->Apply(thread_counts); \
  BENCHMARK(stream_copy)->Name(op_name "/copy")->Apply(thread_counts);
KILN_ELEMENTWISE_BENCH("add", Add)
KILN_ELEMENTWISE_BENCH("mul", Mul)
KILN_ELEMENTWISE_BENCH("gelu", Gelu)
KILN_ELEMENTWISE_BENCH("sum", Sum)
KILN_ELEMENTWISE_BENCH("softmax_rows1024", Softmax)
#undef KILN_ELEMENTWISE_BENCH

// The full cost of a tiny op: argument checks, dispatch, output allocation, the loop.
void add_latency_64(benchmark::State& state) {
  const Tensor x = randn({64}), y = randn({64});
  for (auto _ : state) benchmark::DoNotOptimize((x + y).data_ptr());
}
BENCHMARK(add_latency_64)->Name("latency/kiln_add_64");

}  // namespace
}  // namespace kiln::bench

int main(int argc, char** argv) {
  return kiln::bench::run_benchmarks(argc, argv);
}
