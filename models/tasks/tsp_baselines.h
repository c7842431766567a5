#pragma once

// The classic TSP baselines by name, and solving a whole set of instances with one of them.
#include <functional>
#include <string>
#include <vector>

#include "models/tasks/tsp_distances.h"
#include "tensor/tensor.h"

namespace kiln::models {

struct TspBaseline {
  std::string name;
  std::function<Tour(const DistanceMatrix&)> solve;
};

// The baselines for instances of `nodes` nodes: held_karp first where it applies
// (nodes <= kHeldKarpMaxNodes), then nearest_neighbour, nearest_insertion,
// farthest_insertion and random_insertion, each alone, then each followed by 2-opt
// ("<name>+2opt"), then each followed by Or-opt ("<name>+oropt").
std::vector<TspBaseline> tsp_baselines(int64_t nodes);

// The baseline called `name` for `nodes` nodes; a kiln::Error names the ones there are.
TspBaseline tsp_baseline(const std::string& name, int64_t nodes);

// The best baseline that is quick on a whole set of 10,000 instances, what learned models are
// measured against: Held-Karp (exact) up to kHeldKarpMaxNodes nodes, else farthest insertion
// improved by Or-opt (0.27% above the optimum on TSP20, 3.6% on TSP100).
TspBaseline tsp_reference_baseline(int64_t nodes);

struct TspSolutions {
  Tensor tours;    // int64 [count, n]
  Tensor lengths;  // float64 [count]
};

// Solves each instance of `instances` (float CPU [count, n, 2]) with `baseline`, in parallel
// on oneTBB; instances are independent, so the result does not depend on the threads.
TspSolutions solve_tsp(const Tensor& instances, const TspBaseline& baseline);

// Improves each of `tours` (int64 [count, n], on the CPU) on its instance by `search` (2-opt,
// Or-opt), in parallel like solve_tsp.
TspSolutions improve_tsp(const Tensor& instances, const Tensor& tours,
                         Tour (*search)(const DistanceMatrix&, Tour));

}  // namespace kiln::models
