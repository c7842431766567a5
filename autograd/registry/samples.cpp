#include "autograd/registry/samples.h"

#include <cmath>
#include <sstream>

#include "autograd/functions.h"
#include "tensor/creation.h"

namespace kiln::autograd::samples {

Tensor normal(Generator& g, const Shape& shape) {
  return randn(shape, {.dtype = kFloat64}, &g);
}

Tensor uniform(Generator& g, const Shape& shape, double low, double high) {
  return rand(shape, {.dtype = kFloat64}, &g) * (high - low) + low;
}

Tensor avoiding(Generator& g, const Shape& shape, const std::vector<double>& kinks, double margin) {
  std::vector<double> values = normal(g, shape).to_vector<double>();
  for (double& value : values) {
    for (double kink : kinks) {
      if (std::abs(value - kink) < margin) value = kink + (value >= kink ? margin : -margin);
    }
  }
  return from_vector(values, shape, {.dtype = kFloat64});
}

Tensor on_grid(Generator& g, const Shape& shape, double offset) {
  std::vector<double> values = normal(g, shape).to_vector<double>();
  for (double& value : values) value = std::round(value * 2) / 2 + offset;
  return from_vector(values, shape, {.dtype = kFloat64});
}

Tensor transposed(const Tensor& values) {
  return values.t().contiguous().t();
}

Tensor leaf(Tensor values) {
  values.requires_grad_();
  return values;
}

Tensor indices(std::initializer_list<int64_t> values, const Shape& shape) {
  return from_vector(std::vector<int64_t>(values), shape, {.dtype = kInt64});
}

Tensor f32(const Shape& shape) {
  return zeros(shape);
}
Tensor f64(const Shape& shape) {
  return zeros(shape, {.dtype = kFloat64});
}
Tensor i64(const Shape& shape) {
  return zeros(shape, {.dtype = kInt64});
}
Tensor bools(const Shape& shape) {
  return zeros(shape, {.dtype = kBool});
}

Tensor draw(Generator& g, const Shape& shape, Domain domain) {
  switch (domain) {
    case Domain::Real:
      return normal(g, shape);
    case Domain::Positive:
      return uniform(g, shape, 0.5, 2.0);
    case Domain::AwayFromZero:
      return avoiding(g, shape, {0.0}, 0.2);
    case Domain::Unit:
      return uniform(g, shape, -0.9, 0.9);
  }
  return {};
}

std::vector<OpSample> unary(Generator& g, const Draw& values, const OpCall& call) {
  std::vector<OpSample> out;
  for (const Shape& shape : {Shape{}, Shape{5}, Shape{3, 4}, Shape{2, 1, 3}, Shape{0, 3}}) {
    std::ostringstream label;
    label << shape;
    out.push_back({label.str(), {leaf(values(g, shape))}, call});
  }
  out.push_back({"[3, 4] non-contiguous", {leaf(transposed(values(g, {3, 4})))}, call});
  return out;
}

std::vector<OpSample> unary(Generator& g, Domain domain, const OpCall& call) {
  return unary(
      g, [domain](Generator& g, const Shape& shape) { return draw(g, shape, domain); }, call);
}

std::vector<OpSample> binary(Generator& g, Domain a_domain, Domain b_domain, const OpCall& call) {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{3, 4}, {3, 4}}, {{3, 1}, {4}}, {{4}, {2, 3, 4}}, {{}, {3}}, {{2, 1, 3}, {1, 2, 1}}};
  std::vector<OpSample> out;
  for (const auto& [a, b] : shapes) {
    std::ostringstream label;
    label << a << " and " << b;
    out.push_back({label.str(), {leaf(draw(g, a, a_domain)), leaf(draw(g, b, b_domain))}, call});
  }
  out.push_back({"[3, 4] non-contiguous and [3, 4]",
                 {leaf(transposed(draw(g, {3, 4}, a_domain))), leaf(draw(g, {3, 4}, b_domain))},
                 call});
  out.push_back({"[3, 4] and a constant [3, 4]",
                 {leaf(draw(g, {3, 4}, a_domain)), draw(g, {3, 4}, b_domain)},
                 call});
  return out;
}

std::vector<OpSample> variants(Generator& g, const std::vector<Variant>& list) {
  std::vector<OpSample> out;
  for (const Variant& v : list) {
    const Tensor x = normal(g, v.shape);
    out.push_back({v.label, {leaf(v.non_contiguous ? transposed(x) : x)}, v.call});
  }
  return out;
}

Shape bench_matrix(BenchSize size) {
  return size == BenchSize::Small ? Shape{64, 64} : Shape{4096, 1024};
}

OpSample bench_sample(std::vector<Tensor> inputs, OpCall call) {
  std::ostringstream label;
  for (size_t i = 0; i < inputs.size(); ++i) label << (i > 0 ? ", " : "") << inputs[i].shape();
  return {label.str(), std::move(inputs), std::move(call)};
}

std::vector<OpSample> bench_unary(Generator& g, BenchSize size, Domain domain, const OpCall& call) {
  return {bench_sample({draw(g, bench_matrix(size), domain)}, call)};
}

std::vector<OpSample> bench_binary(Generator& g, BenchSize size, Domain a, Domain b,
                                   const OpCall& call) {
  const Shape shape = bench_matrix(size);
  return {bench_sample({draw(g, shape, a), draw(g, shape, b)}, call)};
}

Tensor random_indices(Generator& g, const Shape& shape, int64_t high) {
  return randint(0, high, shape, {.dtype = kInt64}, &g);
}

OpEntry entry(OpId op, std::function<std::vector<OpSample>(Generator&)> samples,
              double flops_per_element) {
  return {.op = op, .samples = std::move(samples), .flops_per_element = flops_per_element};
}

OpEntry unary_entry(OpId op, Domain domain, OpCall call, double flops) {
  return {
      .op = op,
      .samples = [domain, call](Generator& g) { return unary(g, domain, call); },
      .flops_per_element = flops,
      .benchmarks = [domain, call](Generator& g,
                                   BenchSize size) { return bench_unary(g, size, domain, call); }};
}

OpEntry unary_entry(OpId op, Draw draw, OpCall call, double flops) {
  OpEntry out = unary_entry(op, Domain::Real, call, flops);
  out.samples = [draw, call](Generator& g) { return unary(g, draw, call); };
  return out;
}

OpEntry with_samples(OpEntry entry, std::function<std::vector<OpSample>(Generator&)> more) {
  entry.samples = [own = entry.samples, more](Generator& g) {
    std::vector<OpSample> out = own(g);
    for (OpSample& sample : more(g)) out.push_back(std::move(sample));
    return out;
  };
  return entry;
}

OpEntry binary_entry(OpId op, Domain a, Domain b, OpCall call, double flops) {
  return {.op = op,
          .samples = [a, b, call](Generator& g) { return binary(g, a, b, call); },
          .flops_per_element = flops,
          .benchmarks = [a, b, call](Generator& g,
                                     BenchSize size) { return bench_binary(g, size, a, b, call); }};
}

OpEntry variants_entry(OpId op, std::vector<Variant> list) {
  return {.op = op,
          .samples = [list](Generator& g) { return variants(g, list); },
          .flops_per_element = 0};
}

OpEntry along_entry(OpId op, Domain domain, std::function<Tensor(const Tensor&, int64_t)> call) {
  return {.op = op,
          .samples =
              [domain, call](Generator& g) {
                using V = std::vector<Tensor>;
                return std::vector<OpSample>{{"dim 1 of [3, 4]",
                                              {leaf(draw(g, {3, 4}, domain))},
                                              [call](const V& v) { return call(v[0], 1); }},
                                             {"dim 0, non-contiguous",
                                              {leaf(transposed(draw(g, {3, 4}, domain)))},
                                              [call](const V& v) { return call(v[0], 0); }},
                                             {"0-dim",
                                              {leaf(draw(g, {}, domain))},
                                              [call](const V& v) { return call(v[0], 0); }}};
              },
          .benchmarks =
              [domain, call](Generator& g, BenchSize size) {
                return bench_unary(g, size, domain,
                                   [call](const std::vector<Tensor>& v) { return call(v[0], 1); });
              }};
}

}  // namespace kiln::autograd::samples
