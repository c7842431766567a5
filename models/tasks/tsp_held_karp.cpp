#include "models/tasks/tsp_held_karp.h"

#include <limits>

#include "tensor/error.h"

namespace kiln::models {

namespace {

// L(S, j), and the node before j on that path, for the subsets S of the nodes 1 .. n-1 as
// bit masks (bit k for node k + 1) and j = k + 1 in S, stored at S (n - 1) + k.
struct PathTable {
  int64_t others;
  std::vector<double> length;
  std::vector<int8_t> previous;

  explicit PathTable(int64_t nodes)
      : others(nodes - 1),
        length((int64_t{1} << others) * others, std::numeric_limits<double>::infinity()),
        previous(length.size(), -1) {}
  int64_t at(int64_t subset, int64_t k) const { return subset * others + k; }
};

// L(S, k + 1) = min over i + 1 in S - {k + 1} of L(S - {k + 1}, i + 1) + d(i + 1, k + 1).
void extend(PathTable& table, const DistanceMatrix& d, int64_t subset, int64_t k) {
  const int64_t rest = subset & ~(int64_t{1} << k);
  for (int64_t i = 0; i < table.others; ++i) {
    if (!(rest >> i & 1)) continue;
    const double length = table.length[table.at(rest, i)] + d(i + 1, k + 1);
    if (length < table.length[table.at(subset, k)]) {
      table.length[table.at(subset, k)] = length;
      table.previous[table.at(subset, k)] = static_cast<int8_t>(i);
    }
  }
}

// Fills the table subset by subset in increasing order, so every S - {j} comes before S;
// the paths through one node start at node 0.
void fill(PathTable& table, const DistanceMatrix& d) {
  for (int64_t k = 0; k < table.others; ++k) {
    table.length[table.at(int64_t{1} << k, k)] = d(0, k + 1);
  }
  for (int64_t subset = 1; subset < (int64_t{1} << table.others); ++subset) {
    if ((subset & (subset - 1)) == 0) continue;  // one node
    for (int64_t k = 0; k < table.others; ++k) {
      if (subset >> k & 1) extend(table, d, subset, k);
    }
  }
}

// The tour that closes the shortest full path, read backwards from its last node.
Tour trace_back(const PathTable& table, const DistanceMatrix& d) {
  const int64_t all = (int64_t{1} << table.others) - 1;
  int64_t last = 0;
  double best = std::numeric_limits<double>::infinity();
  for (int64_t k = 0; k < table.others; ++k) {
    const double length = table.length[table.at(all, k)] + d(k + 1, 0);
    if (length < best) {
      best = length;
      last = k;
    }
  }
  Tour tour(table.others + 1, 0);
  for (int64_t subset = all, position = table.others; position > 0; --position) {
    tour[position] = last + 1;
    const int64_t before = table.previous[table.at(subset, last)];
    subset &= ~(int64_t{1} << last);
    last = before;
  }
  return tour;
}

}  // namespace

Tour held_karp_tour(const DistanceMatrix& d) {
  KILN_CHECK(d.nodes() <= kHeldKarpMaxNodes, "held_karp: exact only up to ", kHeldKarpMaxNodes,
             " nodes (its time grows as 2^n n^2), got ", d.nodes());
  PathTable table(d.nodes());
  fill(table, d);
  return trace_back(table, d);
}

}  // namespace kiln::models
