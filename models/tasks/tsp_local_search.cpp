#include "models/tasks/tsp_local_search.h"

#include <algorithm>

namespace kiln::models {

namespace {

// One scan of 2-opt over every pair of non-adjacent edges; true if it shortened the tour.
bool two_opt_scan(const DistanceMatrix& d, Tour& tour) {
  const int64_t n = static_cast<int64_t>(tour.size());
  bool improved = false;
  for (int64_t i = 0; i + 2 < n; ++i) {
    // With i = 0 the last edge (tour[n - 1], tour[0]) shares node tour[0] with (a, b).
    for (int64_t j = i + 2; j < (i == 0 ? n - 1 : n); ++j) {
      const int64_t a = tour[i], b = tour[i + 1], c = tour[j], e = tour[(j + 1) % n];
      if (d(a, b) + d(c, e) - d(a, c) - d(b, e) > kMinGain) {
        std::reverse(tour.begin() + i + 1, tour.begin() + j + 1);
        improved = true;
      }
    }
  }
  return improved;
}

struct SegmentMove {
  int64_t after = -1;  // the segment goes after this position of the rest (-1: no move)
  bool reversed = false;
};

// The first improving place for the `length` nodes from position `start` (cyclically): the
// rest of the tour, from the segment's successor on, is a path; the segment goes between
// two adjacent nodes u, v of it, for d(u, s) + d(e, v) - d(u, v) with s, e its first and last
// node (or e, s reversed), where taking it out saved d(p, s) + d(e, q) - d(p, q).
SegmentMove improving_segment_move(const DistanceMatrix& d, const Tour& tour, int64_t start,
                                   int64_t length) {
  const int64_t n = static_cast<int64_t>(tour.size());
  const auto at = [&](int64_t position) { return tour[(start + position + n) % n]; };
  const int64_t s = at(0), e = at(length - 1), p = at(-1), q = at(length);
  const double saved = d(p, s) + d(e, q) - d(p, q);
  for (int64_t after = 0; after + 1 < n - length; ++after) {
    const int64_t u = at(length + after), v = at(length + after + 1);
    const double forward = d(u, s) + d(e, v) - d(u, v);
    const double reversed = d(u, e) + d(s, v) - d(u, v);
    if (saved - std::min(forward, reversed) > kMinGain) return {after, reversed < forward};
  }
  return {};
}

// Applies the move: the segment is taken out and put back into the rest as `move` says.
void move_segment(Tour& tour, int64_t start, int64_t length, const SegmentMove& move) {
  std::rotate(tour.begin(), tour.begin() + start, tour.end());
  Tour segment(tour.begin(), tour.begin() + length);
  if (move.reversed) std::reverse(segment.begin(), segment.end());
  tour.erase(tour.begin(), tour.begin() + length);
  tour.insert(tour.begin() + move.after + 1, segment.begin(), segment.end());
}

// One scan of Or-opt over every segment start and length; true if it shortened the tour.
bool or_opt_scan(const DistanceMatrix& d, Tour& tour) {
  const int64_t n = static_cast<int64_t>(tour.size());
  bool improved = false;
  for (int64_t start = 0; start < n; ++start) {
    for (int64_t length = 1; length <= std::min<int64_t>(3, n - 3); ++length) {
      const SegmentMove move = improving_segment_move(d, tour, start, length);
      if (move.after < 0) continue;
      move_segment(tour, start, length, move);
      improved = true;
    }
  }
  return improved;
}

}  // namespace

Tour two_opt(const DistanceMatrix& d, Tour tour) {
  while (two_opt_scan(d, tour)) {
  }
  return tour;
}

Tour or_opt(const DistanceMatrix& d, Tour tour) {
  while (or_opt_scan(d, tour)) {
  }
  return tour;
}

}  // namespace kiln::models
