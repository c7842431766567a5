// Training-step workloads W2 and W3 of WORKLOADS.md on the CPU at their batch of 32, W5 at its
// 128 windows and W6 at its 512 TSP instances. The PyTorch twins are in bench/pytorch/workloads.py;
// bench/compare.py runs both. Each step reports its GFLOP/s by the registry's cost model and
// that rate as a fraction of the FMA peak measured in this process at the same thread count.
#include <benchmark/benchmark.h>

#include <iostream>
#include <map>

#include "autograd/registry/op_bench.h"
#include "autograd/registry/step_cost.h"
#include "bench/training_workloads.h"
#include "tensor/parallel.h"

namespace kiln::bench {
namespace {

constexpr int64_t kBatch = 32;

// FLOPs of one step, counted on an untimed step (which also warms the step up).
double step_flops(const std::string& name, const std::function<void()>& step) {
  autograd::StepCostMeter meter;
  step();
  for (const auto& [op, count] : meter.unpriced()) {
    std::cerr << name << ": " << count << " calls of " << op
              << " have no registry entry; their FLOPs are not counted\n";
  }
  return meter.flops();
}

// The FMA peak of every thread at the current thread count, measured once per count.
double fma_peak_gflops() {
  static std::map<int, double> peaks;
  const auto [peak, fresh] = peaks.try_emplace(num_threads());
  if (fresh) peak->second = autograd::measure_ceilings(kCPU).fma_gflops;
  return peak->second;
}

void time_step(benchmark::State& state, const std::string& name,
               std::function<void()> (*make_step)(int64_t, Device), int64_t batch) {
  set_num_threads(static_cast<int>(state.range(0)));
  const double peak = fma_peak_gflops();
  const std::function<void()> step = make_step(batch, kCPU);
  const double gflops = step_flops(name, step) * 1e-9;
  for (auto _ : state) step();
  const double total = gflops * static_cast<double>(state.iterations());
  state.counters["GFLOP/s"] = benchmark::Counter(total, benchmark::Counter::kIsRate);
  state.counters["of_peak"] = benchmark::Counter(total / peak, benchmark::Counter::kIsRate);
}

void w2_transformer(benchmark::State& state) {
  time_step(state, "W2", w2_transformer_step, kBatch);
}
void w3_lstm(benchmark::State& state) {
  time_step(state, "W3", w3_lstm_step, kBatch);
}
void w5_patchtst(benchmark::State& state) {
  time_step(state, "W5", w5_patchtst_step, 128);
}
void w6_tsp(benchmark::State& state) {
  time_step(state, "W6", w6_tsp_step, 512);
}

void threads(benchmark::internal::Benchmark* bench) {
  bench->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(w2_transformer)->Name("W2_transformer_step")->Apply(threads);
BENCHMARK(w3_lstm)->Name("W3_lstm_step")->Apply(threads);
BENCHMARK(w5_patchtst)->Name("W5_patchtst_step")->Apply(threads);
BENCHMARK(w6_tsp)->Name("W6_tsp_step")->Apply(threads);

}  // namespace
}  // namespace kiln::bench
