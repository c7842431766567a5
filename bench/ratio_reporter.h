#pragma once

// A console reporter that, after the usual table, prints kiln's rate over its peer's for
// every pair of benchmarks named "<family>/kiln/<case>" and "<family>/<peer>/<case>",
// from the medians when repetitions are on. The rate is the first of the counters
// GFLOP/s and GB/s that a benchmark sets.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

namespace kiln::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const bool aggregate = run.run_type == Run::RT_Aggregate;
      if (aggregate && run.aggregate_name != "median") continue;
      for (const char* unit : {"GFLOP/s", "GB/s"}) {
        const auto counter = run.counters.find(unit);
        if (counter == run.counters.end()) continue;
        Rate& rate = rates_[run.run_name.str()];
        if (aggregate || rate.value == 0) rate = {counter->second.value, unit};
        break;
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-44s %10s %10s %8s  %s\n", "kiln vs peer, measured in this run", "kiln", "peer",
                "ratio", "unit");
    for (const auto& [name, kiln] : rates_) {
      const size_t at = name.find("/kiln/");
      if (at == std::string::npos) continue;
      const std::string family = name.substr(0, at + 1), rest = name.substr(at + 5);
      for (const auto& [peer_name, peer] : rates_) {
        if (peer_name == name || peer_name.rfind(family, 0) != 0) continue;
        const size_t slash = peer_name.find('/', family.size());
        if (slash == std::string::npos || peer_name.substr(slash) != rest) continue;
        const std::string label =
            name + " vs " + peer_name.substr(family.size(), slash - family.size());
        std::printf("%-44s %10.2f %10.2f %8.3f  %s\n", label.c_str(), kiln.value, peer.value,
                    kiln.value / peer.value, kiln.unit);
      }
    }
  }

 private:
  struct Rate {
    double value = 0;
    const char* unit = "";
  };
  std::map<std::string, Rate> rates_;
};

// The body of a benchmark binary's main: runs the selected benchmarks with this reporter.
inline int run_benchmarks(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace kiln::bench
