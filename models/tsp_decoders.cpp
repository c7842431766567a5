#include "models/tsp_decoders.h"

#include <cmath>
#include <limits>

#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "models/tasks/tsp_baselines.h"
#include "models/tasks/tsp_instances.h"
#include "models/tasks/tsp_local_search.h"
#include "tensor/creation.h"

namespace kiln::models {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

int64_t count_after(const std::string& text, const std::string& prefix) {
  const std::string count = text.substr(prefix.size());
  KILN_CHECK(!count.empty() && count.size() < 10 &&
                 count.find_first_not_of("0123456789") == std::string::npos &&
                 std::stoll(count) > 0,
             "decode: the count in '", text, "' must be a positive integer");
  return std::stoll(count);
}

// Drops `suffix` from the end of `text` and says whether it was there.
bool strip_suffix(std::string& text, const std::string& suffix) {
  if (!text.ends_with(suffix)) return false;
  text.resize(text.size() - suffix.size());
  return true;
}

// The shortest of each instance's k candidates: tours [B k, n] and lengths [B k], candidate j
// of instance b at row b k + j.
DecodedTours shortest(const Tensor& tours, const Tensor& lengths, int64_t k) {
  const int64_t batch = lengths.size(0) / k, n = tours.size(1);
  const Tensor best = lengths.view({batch, k}).argmin(1);
  const Tensor rows = arange(batch, {.dtype = kInt64, .device = best.device()}) * k + best;
  return {tours.index_select(0, rows).reshape({batch, n}), lengths.index_select(0, rows)};
}

// Each instance's k candidate tours [B k, n] (candidate j of instance b at row b k + j) for
// instances coords [B, n, 2] in the model's dtype and device, and which candidates are not
// real tours (bool [B k]; undefined when all are).
struct Candidates {
  Tensor tours;
  int64_t k;
  Tensor invalid;
};

Candidates candidates(TspPolicy& model, const Tensor& coords, const TspDecodeSpec& spec,
                      Generator& generator) {
  const int64_t batch = coords.size(0), n = coords.size(1);
  switch (spec.kind) {
    case TspDecodeSpec::Kind::Greedy:
      return {model.forward(coords).tours, 1, {}};
    case TspDecodeSpec::Kind::Sample:
      return {rollout(*model.begin(coords, spec.count),
                      {.kind = DecodeStrategy::Kind::Sampling, .generator = &generator})
                  .tours,
              spec.count,
              {}};
    case TspDecodeSpec::Kind::Beam: {
      // Beams that ran out of continuations revisit nodes; they never win.
      const TourRollout beams = beam_search(model, coords, spec.count);
      std::vector<int64_t> invalid;
      for (const double score : beams.log_likelihood.to(kCPU).to_vector<double>())
        invalid.push_back(std::isinf(score) ? 1 : 0);
      return {beams.tours, spec.count, from_vector(invalid, {batch * spec.count}).to(kBool)};
    }
    case TspDecodeSpec::Kind::Multistart: {
      const Tensor starts = arange(n, {.dtype = kInt64, .device = coords.device()}).repeat({batch});
      return {rollout(*model.begin(coords, n), {}, starts.unsqueeze(1)).tours, n, {}};
    }
  }
  throw Error("decode: unknown kind");
}

DecodedTours decode_batch(TspPolicy& model, const Tensor& instances, const TspDecodeSpec& spec,
                          Generator& generator) {
  const Tensor coords = spec.augment ? unit_square_symmetries(instances) : instances;
  const Tensor weight = model.parameters().front();  // the model's dtype and device
  const Candidates found =
      candidates(model, coords.to(weight.dtype()).to(weight.device()), spec, generator);
  const Tensor tours = found.tours.to(kCPU);
  Tensor lengths = tour_lengths(coords.repeat_interleave(found.k, 0), tours);
  if (found.invalid.defined()) lengths = lengths.masked_fill(found.invalid, kInfinity);
  DecodedTours best = shortest(tours, lengths, found.k);
  if (spec.augment) best = shortest(best.tours, best.lengths, 8);
  if (!spec.two_opt) return best;
  const TspSolutions improved = improve_tsp(instances, best.tours, two_opt);
  return {improved.tours, improved.lengths};
}

}  // namespace

TspDecodeSpec TspDecodeSpec::parse(const std::string& text) {
  TspDecodeSpec spec;
  std::string rest = text;
  spec.two_opt = strip_suffix(rest, "+2opt");
  spec.augment = strip_suffix(rest, "+aug8");
  if (rest == "greedy") return spec;
  if (rest == "multistart") {
    spec.kind = Kind::Multistart;
    return spec;
  }
  if (rest.starts_with("sample:")) {
    spec.kind = Kind::Sample;
    spec.count = count_after(rest, "sample:");
    return spec;
  }
  if (rest.starts_with("beam:")) {
    spec.kind = Kind::Beam;
    spec.count = count_after(rest, "beam:");
    return spec;
  }
  throw Error(
      "decode: expected greedy, sample:K, beam:W or multistart, optionally followed by "
      "+aug8 and +2opt, got '" +
      text + "'");
}

std::string TspDecodeSpec::str() const {
  std::string text = kind == Kind::Greedy       ? "greedy"
                     : kind == Kind::Multistart ? "multistart"
                     : kind == Kind::Sample     ? "sample:" + std::to_string(count)
                                                : "beam:" + std::to_string(count);
  return text + (augment ? "+aug8" : "") + (two_opt ? "+2opt" : "");
}

Tensor unit_square_symmetries(const Tensor& coords) {
  const Tensor x = coords.select(2, 0), y = coords.select(2, 1);
  const Tensor images = stack({stack({x, y}, 2), stack({y, x}, 2), stack({1 - x, y}, 2),
                               stack({y, 1 - x}, 2), stack({x, 1 - y}, 2), stack({1 - y, x}, 2),
                               stack({1 - x, 1 - y}, 2), stack({1 - y, 1 - x}, 2)},
                              1);
  return images.reshape({coords.size(0) * 8, coords.size(1), 2});
}

TourRollout beam_search(TspPolicy& model, const Tensor& coords, int64_t width) {
  KILN_CHECK(width > 0, "beam_search: width must be positive, got ", width);
  NoGradGuard no_grad;
  const int64_t batch = coords.size(0), n = coords.size(1);
  const std::unique_ptr<TspDecoding> decoding = model.begin(coords, width);
  const TourState& state = decoding->state();
  const TensorOptions options{.dtype = coords.dtype(), .device = coords.device()};
  // Only the first of the identical starting beams may expand.
  Tensor score = zeros({batch, width}, options);
  if (width > 1) score.narrow(1, 1, width - 1).fill_(-kInfinity);
  while (!state.complete()) {
    const Tensor expanded =
        (score.view({batch * width, 1}) + decoding->log_p()).view({batch, width * n});
    const auto [best, index] = topk(expanded, width, 1);
    // Candidate c of an instance extends its beam c / n by node c % n.
    std::vector<int64_t> parent_rows, nodes;
    const std::vector<int64_t> flat = index.to(kCPU).to_vector<int64_t>();
    for (size_t i = 0; i < flat.size(); ++i) {
      parent_rows.push_back(static_cast<int64_t>(i) / width * width + flat[i] / n);
      nodes.push_back(flat[i] % n);
    }
    decoding->reorder(from_vector(parent_rows, {batch * width}).to(coords.device()));
    decoding->visit(from_vector(nodes, {batch * width}).to(coords.device()));
    score = best;
  }
  return {state.tours(), score.reshape({batch * width})};
}

DecodedTours decode_tsp(TspPolicy& model, const Tensor& instances, const TspDecodeSpec& spec,
                        uint64_t seed, int64_t batch_size) {
  KILN_CHECK(instances.dim() == 3 && instances.size(2) == 2 && instances.device().is_cpu(),
             "decode_tsp: expected instances [N, n, 2] on the CPU, got ", instances.shape(), " on ",
             instances.device());
  KILN_CHECK(batch_size > 0, "decode_tsp: batch_size must be positive, got ", batch_size);
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  Generator generator(seed);
  const Tensor coords = instances.to(kFloat64);
  std::vector<Tensor> tours, lengths;
  for (int64_t start = 0; start < coords.size(0); start += batch_size) {
    const int64_t size = std::min(batch_size, coords.size(0) - start);
    const DecodedTours part = decode_batch(model, coords.narrow(0, start, size), spec, generator);
    tours.push_back(part.tours);
    lengths.push_back(part.lengths);
  }
  model.train(was_training);
  return {cat(tours, 0), cat(lengths, 0)};
}

}  // namespace kiln::models
