#include "models/tasks/tsp_baselines.h"

#include <functional>
#include <span>

#include "models/tasks/tsp_construction.h"
#include "models/tasks/tsp_held_karp.h"
#include "models/tasks/tsp_local_search.h"
#include "tensor/cpu/parallel.h"
#include "tensor/creation.h"
#include "tensor/error.h"

namespace kiln::models {

namespace {

std::vector<TspBaseline> constructions() {
  const auto insertion = [](InsertionRule rule) {
    return [rule](const DistanceMatrix& d) { return insertion_tour(d, rule); };
  };
  return {{"nearest_neighbour", nearest_neighbour_tour},
          {"nearest_insertion", insertion(InsertionRule::kNearest)},
          {"farthest_insertion", insertion(InsertionRule::kFarthest)},
          {"random_insertion", insertion(InsertionRule::kRandom)}};
}

// `start` followed by local search.
TspBaseline improved(const TspBaseline& start, const std::string& suffix,
                     Tour (*search)(const DistanceMatrix&, Tour)) {
  return {start.name + suffix, [construct = start.solve, search](const DistanceMatrix& d) {
            return search(d, construct(d));
          }};
}

std::string names_of(const std::vector<TspBaseline>& baselines) {
  std::string names;
  for (const TspBaseline& baseline : baselines)
    names += (names.empty() ? "" : ", ") + baseline.name;
  return names;
}

}  // namespace

std::vector<TspBaseline> tsp_baselines(int64_t nodes) {
  std::vector<TspBaseline> baselines;
  if (nodes <= kHeldKarpMaxNodes) baselines.push_back({"held_karp", held_karp_tour});
  const std::vector<TspBaseline> starts = constructions();
  baselines.insert(baselines.end(), starts.begin(), starts.end());
  for (const TspBaseline& start : starts) baselines.push_back(improved(start, "+2opt", two_opt));
  for (const TspBaseline& start : starts) baselines.push_back(improved(start, "+oropt", or_opt));
  return baselines;
}

TspBaseline tsp_baseline(const std::string& name, int64_t nodes) {
  const std::vector<TspBaseline> baselines = tsp_baselines(nodes);
  for (const TspBaseline& baseline : baselines) {
    if (baseline.name == name) return baseline;
  }
  KILN_CHECK(name != "held_karp", "held_karp: exact only up to ", kHeldKarpMaxNodes, " nodes, not ",
             nodes);
  throw Error("no TSP baseline named '" + name + "'; there are " + names_of(baselines));
}

TspBaseline tsp_reference_baseline(int64_t nodes) {
  return tsp_baseline(nodes <= kHeldKarpMaxNodes ? "held_karp" : "farthest_insertion+oropt", nodes);
}

namespace {

// Each instance's tour from solve(distances, index), in parallel; instances are independent,
// so the result does not depend on the threads.
TspSolutions solve_each(const Tensor& instances,
                        const std::function<Tour(const DistanceMatrix&, int64_t)>& solve) {
  KILN_CHECK(instances.dim() == 3 && instances.size(1) >= 1 && instances.size(2) == 2 &&
                 is_floating(instances.dtype()) && instances.device().is_cpu(),
             "solve_tsp: instances must be float [count, n >= 1, 2] on the CPU, got ",
             instances.dtype(), " ", instances.shape(), " on ", instances.device());
  const int64_t count = instances.size(0), n = instances.size(1);
  const Tensor coords = instances.to(kFloat64).contiguous();
  std::vector<int64_t> tours(count * n);
  std::vector<double> lengths(count);
  cpu::parallel_for(count, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const DistanceMatrix d(std::span(coords.data<double>() + i * n * 2, n * 2));
      const Tour tour = solve(d, i);
      std::copy(tour.begin(), tour.end(), tours.begin() + i * n);
      lengths[i] = tour_length(d, tour);
    }
  });
  return {from_vector(tours, {count, n}), from_vector(lengths, {count}, {.dtype = kFloat64})};
}

}  // namespace

TspSolutions solve_tsp(const Tensor& instances, const TspBaseline& baseline) {
  return solve_each(instances, [&](const DistanceMatrix& d, int64_t) { return baseline.solve(d); });
}

TspSolutions improve_tsp(const Tensor& instances, const Tensor& tours,
                         Tour (*search)(const DistanceMatrix&, Tour)) {
  KILN_CHECK(tours.dim() == 2 && tours.dtype() == kInt64 && tours.device().is_cpu() &&
                 instances.dim() == 3 && tours.size(0) == instances.size(0) &&
                 tours.size(1) == instances.size(1),
             "improve_tsp: expected int64 CPU tours [count, n] for instances ", instances.shape(),
             ", got ", tours.dtype(), " ", tours.shape(), " on ", tours.device());
  const Tensor start = tours.contiguous();
  const int64_t n = tours.size(1);
  return solve_each(instances, [&](const DistanceMatrix& d, int64_t i) {
    const int64_t* row = start.data<int64_t>() + i * n;
    return search(d, Tour(row, row + n));
  });
}

}  // namespace kiln::models
