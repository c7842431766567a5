#include "autograd/registry/op_bench.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "autograd/grad_mode.h"
#include "tensor/backend.h"
#include "tensor/creation.h"
#include "tensor/ops.h"
#include "tensor/parallel.h"

namespace kiln::autograd {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Median over rounds of the time per call of `run`: each round calls it until `min_time`
// has passed, then waits for the device.
template <typename Run>
double median_seconds(const Run& run, Device device, const BenchOptions& options) {
  for (int i = 0; i < options.warmup; ++i) run();
  synchronize(device);
  std::vector<double> rounds;
  for (int r = 0; r < std::max(1, options.repetitions); ++r) {
    const Clock::time_point start = Clock::now();
    int64_t calls = 0;
    do {
      run();
      ++calls;
    } while (seconds_since(start) < options.min_time);
    synchronize(device);
    rounds.push_back(seconds_since(start) / static_cast<double>(calls));
  }
  std::ranges::sort(rounds);
  return rounds[rounds.size() / 2];
}

// Float32 FMAs on one thread: independent accumulators, so that the FMA units never wait
// for a result; returns the operations done (2 per lane per FMA).
double fma_loop(int64_t iterations) {
  constexpr int kAccumulators = 12;
#if defined(__AVX512F__)
  using Vector = __m512;
  constexpr int kLanes = 16;
  const auto fma = [](Vector a, Vector b, Vector c) { return _mm512_fmadd_ps(a, b, c); };
  const auto broadcast = [](float x) { return _mm512_set1_ps(x); };
  const auto first = [](Vector v) { return _mm512_cvtss_f32(v); };
#elif defined(__FMA__)
  using Vector = __m256;
  constexpr int kLanes = 8;
  const auto fma = [](Vector a, Vector b, Vector c) { return _mm256_fmadd_ps(a, b, c); };
  const auto broadcast = [](float x) { return _mm256_set1_ps(x); };
  const auto first = [](Vector v) { return _mm256_cvtss_f32(v); };
#else
  using Vector = float;
  constexpr int kLanes = 1;
  const auto fma = [](Vector a, Vector b, Vector c) { return std::fma(a, b, c); };
  const auto broadcast = [](float x) { return x; };
  const auto first = [](Vector v) { return v; };
#endif
  Vector acc[kAccumulators];
  for (int k = 0; k < kAccumulators; ++k) acc[k] = broadcast(static_cast<float>(k));
  const Vector scale = broadcast(0.999999f), shift = broadcast(1e-7f);
  for (int64_t i = 0; i < iterations; ++i) {
    for (int k = 0; k < kAccumulators; ++k) acc[k] = fma(acc[k], scale, shift);
  }
  float sink = 0;
  for (int k = 0; k < kAccumulators; ++k) sink += first(acc[k]);
  // Keeps the loop from being optimised away.
  static std::atomic<float> keep;
  keep.store(sink, std::memory_order_relaxed);
  return 2.0 * kLanes * kAccumulators * static_cast<double>(iterations);
}

// The FMA loop on every thread at once (plain threads, so that they surely run together),
// in GFLOP/s; the best of the rounds.
double fma_peak_gflops(const BenchOptions& options) {
  const int threads = num_threads();
  constexpr int64_t kIterations = 1 << 22;
  double best = 0;
  for (int r = 0; r < std::max(1, options.repetitions); ++r) {
    std::vector<double> flops(threads);
    std::vector<std::thread> workers;
    const Clock::time_point start = Clock::now();
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&flops, t] { flops[t] = fma_loop(kIterations); });
    }
    for (std::thread& worker : workers) worker.join();
    const double seconds = seconds_since(start);
    double total = 0;
    for (double f : flops) total += f;
    best = std::max(best, total / seconds * 1e-9);
  }
  return best;
}

// Bytes read and written per second by a copy of 4M float32 (the large operand, 16 MB) into
// an existing tensor.
double copy_gbytes_per_second(Device device, const BenchOptions& options) {
  const Shape shape{int64_t{4} << 20};
  const Tensor source = full(shape, 1.0, {.device = device});
  const Tensor destination = zeros(shape, {.device = device});
  const double seconds = median_seconds([&] { raw::copy_(destination, source); }, device, options);
  return 2.0 * static_cast<double>(source.numel() * itemsize(source.dtype())) / seconds * 1e-9;
}

// The sample's inputs in `dtype` (floating ones) on `device`, outside any graph.
std::vector<Tensor> prepared(const std::vector<Tensor>& inputs, DType dtype, Device device) {
  std::vector<Tensor> out;
  for (const Tensor& input : inputs) {
    Tensor x = input.detach();
    if (is_floating(x.dtype())) x = raw::to(x, dtype);
    out.push_back(raw::to(x, device));
  }
  return out;
}

}  // namespace

MachineCeilings measure_ceilings(Device device, const BenchOptions& options) {
  return {.fma_gflops = device.is_cpu() ? fma_peak_gflops(options) : 0,
          .copy_gbytes_per_second = copy_gbytes_per_second(device, options)};
}

OpBenchmark bench_op(const OpEntry& entry, Device device, DType dtype, BenchSize size,
                     const BenchOptions& options) {
  OpBenchmark result;
  result.name = entry.name();
  try {
    check_supported(entry, dtype, device);
  } catch (const Error& error) {
    result.unsupported = error.what();
    return result;
  }
  Generator generator(7);
  result.check_size = !entry.benchmarks;
  const std::vector<OpSample> samples =
      result.check_size ? entry.samples(generator) : entry.benchmarks(generator, size);
  const NoGradGuard no_grad;
  for (const OpSample& sample : samples) {
    const std::vector<Tensor> inputs = prepared(sample.inputs, dtype, device);
    Tensor output;
    const double seconds = median_seconds([&] { output = sample.call(inputs); }, device, options);
    result.samples.push_back({sample.label, seconds, op_cost(entry, inputs, output)});
  }
  return result;
}

}  // namespace kiln::autograd
