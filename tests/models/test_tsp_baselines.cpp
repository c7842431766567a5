// The classic TSP baselines: Held-Karp equals brute force; every heuristic gives a valid tour
// no shorter than Held-Karp's; local search never lengthens a tour and ends where it finds
// no more moves; solving a set does not depend on the threads; and the averages of Kool et
// al. 2019, Table 1 come out on their test sets.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>

#include "models/tasks/tsp_baselines.h"
#include "models/tasks/tsp_construction.h"
#include "models/tasks/tsp_held_karp.h"
#include "models/tasks/tsp_instances.h"
#include "models/tasks/tsp_local_search.h"
#include "models/tasks/tsp_paper_figures.h"
#include "tensor/parallel.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

using testing::error_of;

DistanceMatrix random_instance(Generator& generator, int64_t nodes) {
  return DistanceMatrix(tsp_random_instances(1, nodes, generator, kFloat64).to_vector<double>());
}

Tour identity_tour(int64_t nodes) {
  Tour tour(nodes);
  std::iota(tour.begin(), tour.end(), 0);
  return tour;
}

// The shortest tour length over every order of the nodes after node 0.
double brute_force_optimum(const DistanceMatrix& d) {
  Tour tour = identity_tour(d.nodes());
  double best = tour_length(d, tour);
  while (std::next_permutation(tour.begin() + 1, tour.end()))
    best = std::min(best, tour_length(d, tour));
  return best;
}

void expect_valid(const Tour& tour, int64_t nodes, const std::string& what) {
  EXPECT_EQ(error_of([&] {
              check_tours(from_vector(tour, {1, nodes}), nodes);
            }),
            "(no error)")
      << what;
}

TEST(TspBaselines, HeldKarpEqualsBruteForce) {
  Generator generator(11);
  for (int64_t nodes = 1; nodes <= 8; ++nodes) {
    for (int trial = 0; trial < 5; ++trial) {
      const DistanceMatrix d = random_instance(generator, nodes);
      const Tour tour = held_karp_tour(d);
      expect_valid(tour, nodes, "held_karp");
      EXPECT_NEAR(tour_length(d, tour), brute_force_optimum(d), 1e-12) << nodes << " nodes";
    }
  }
}

TEST(TspBaselines, HeldKarpRefusesMoreThanThirteenNodes) {
  Generator generator(1);
  const DistanceMatrix d = random_instance(generator, 14);
  EXPECT_EQ(error_of([&] { held_karp_tour(d); }),
            "held_karp: exact only up to 13 nodes (its time grows as 2^n n^2), got 14");
}

TEST(TspBaselines, EveryBaselineGivesAValidTourNoShorterThanTheOptimum) {
  Generator generator(5);
  for (int64_t nodes : {2, 3, 5, 9, 12}) {
    for (int trial = 0; trial < 10; ++trial) {
      const DistanceMatrix d = random_instance(generator, nodes);
      const double optimum = tour_length(d, held_karp_tour(d));
      for (const TspBaseline& baseline : tsp_baselines(nodes)) {
        const Tour tour = baseline.solve(d);
        expect_valid(tour, nodes, baseline.name);
        EXPECT_GE(tour_length(d, tour), optimum - 1e-12) << baseline.name << ", " << nodes;
      }
    }
  }
}

TEST(TspBaselines, LocalSearchNeverLengthensAndStopsAtALocalOptimum) {
  Generator generator(9);
  for (int trial = 0; trial < 20; ++trial) {
    const DistanceMatrix d = random_instance(generator, 30);
    for (const Tour& start : {identity_tour(30), nearest_neighbour_tour(d),
                              insertion_tour(d, InsertionRule::kFarthest)}) {
      for (auto search : {two_opt, or_opt}) {
        const Tour improved = search(d, start);
        expect_valid(improved, 30, "local search");
        EXPECT_LE(tour_length(d, improved), tour_length(d, start));
        EXPECT_EQ(search(d, improved), improved) << "a move was left at the local optimum";
      }
    }
  }
}

TEST(TspBaselines, ConstructionsBreakTiesByTheLowestIndexAndTheEarliestPosition) {
  // (0, 0), (1, 0), (-1, 0), (0, 2): nodes 1 and 2 are both at 1 from node 0, and both at
  // sqrt(5), the largest distance, from node 3.
  const DistanceMatrix d(std::vector<double>{0, 0, 1, 0, -1, 0, 0, 2});
  EXPECT_EQ(nearest_neighbour_tour(d), (Tour{0, 1, 2, 3}));
  // The farthest pairs are (1, 3) and (2, 3): node 1 starts, and 3, 2, 0 join it in turn.
  EXPECT_EQ(insertion_tour(d, InsertionRule::kFarthest), (Tour{1, 0, 2, 3}));
  // Node 2 lengthens [0, 1] by 2 after node 0 or after node 1: it goes after node 0.
  EXPECT_EQ(insertion_tour(d, InsertionRule::kRandom), (Tour{0, 2, 3, 1}));
}

TEST(TspBaselines, SolvingASetDoesNotDependOnTheThreads) {
  const int threads = num_threads();
  const Tensor instances = tsp_validation_set(20).narrow(0, 0, 300);
  const TspBaseline baseline = tsp_baseline("farthest_insertion+oropt", 20);
  set_num_threads(1);
  const TspSolutions one = solve_tsp(instances, baseline);
  set_num_threads(2);
  const TspSolutions two = solve_tsp(instances, baseline);
  set_num_threads(threads);
  EXPECT_EQ(one.tours.to_vector<int64_t>(), two.tours.to_vector<int64_t>());
  EXPECT_EQ(one.lengths.to_vector<double>(), two.lengths.to_vector<double>());
  EXPECT_EQ(one.tours.shape(), (Shape{300, 20}));
  testing::expect_same(one.lengths, tour_lengths(instances, one.tours), 1e-14, 0);
}

TEST(TspBaselines, UnknownNamesAreRefused) {
  EXPECT_EQ(error_of([] { tsp_baseline("held_karp", 20); }),
            "held_karp: exact only up to 13 nodes, not 20");
  const std::string unknown = error_of([] { tsp_baseline("christofides", 20); });
  EXPECT_NE(unknown.find("no TSP baseline named 'christofides'; there are nearest_neighbour, "),
            std::string::npos)
      << unknown;
  EXPECT_NE(error_of([] {
              solve_tsp(zeros({3, 5}), tsp_baseline("random_insertion", 5));
            }).find("solve_tsp: instances must be float [count, n >= 1, 2] on the CPU"),
            std::string::npos);
}

// Kool et al.'s insertion and nearest-neighbour tours (theirs in float32) are the same as
// kiln's on every instance of the three test sets (checked once against their
// problems/tsp/tsp_baseline.py); here the averages must round to Table 1's figures.
void expect_kool_2019_table1(int64_t nodes) {
  const Tensor test_set = tsp_test_set(nodes);
  for (const char* name :
       {"nearest_neighbour", "nearest_insertion", "farthest_insertion", "random_insertion"}) {
    const Tensor lengths = solve_tsp(test_set, tsp_baseline(name, nodes)).lengths;
    EXPECT_NEAR(lengths.mean().item<double>(), *kool_2019_average_length(name, nodes), 0.005)
        << name << ", " << nodes << " nodes";
  }
}

TEST(TspBaselines, ReproducesKool2019Table1AtTwentyNodes) {
  expect_kool_2019_table1(20);
}

// About 1.5 s on 2 cores: labelled slow (see tests/CMakeLists.txt).
TEST(TspBaselines, SlowReproducesKool2019Table1AtFiftyAndHundredNodes) {
  expect_kool_2019_table1(50);
  expect_kool_2019_table1(100);
}

}  // namespace
}  // namespace kiln::models
