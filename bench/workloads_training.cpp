// Training-step workloads W2 and W3 of WORKLOADS.md on the CPU at their batch of 32, W5 at its
// 128 windows and W6 at its 512 TSP instances. The PyTorch twins are in bench/pytorch/workloads.py;
// bench/compare.py runs both.
#include <benchmark/benchmark.h>

#include "bench/training_workloads.h"
#include "tensor/parallel.h"

namespace kiln::bench {
namespace {

constexpr int64_t kBatch = 32;

void w2_transformer(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const std::function<void()> step = w2_transformer_step(kBatch, kCPU);
  for (auto _ : state) step();
}

void w3_lstm(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const std::function<void()> step = w3_lstm_step(kBatch, kCPU);
  for (auto _ : state) step();
}

void w5_patchtst(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const std::function<void()> step = w5_patchtst_step(128, kCPU);
  for (auto _ : state) step();
}

void w6_tsp(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const std::function<void()> step = w6_tsp_step(512, kCPU);
  for (auto _ : state) step();
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
