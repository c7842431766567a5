// Registry entries of the losses (nn/loss.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/loss.h"
#include "nn/op_list.h"
#include "tensor/creation.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;

// The same loss on every reduction.
std::vector<OpSample> each_reduction(const std::string& label, const V& inputs,
                                     const std::function<Tensor(const V&, Reduction)>& loss) {
  std::vector<OpSample> out;
  for (const auto& [name, reduction] :
       {std::pair{"mean", Reduction::Mean}, std::pair{"sum", Reduction::Sum},
        std::pair{"none", Reduction::None}}) {
    // An init-capture: clang before 16 captures no structured binding.
    out.push_back({label + ", " + name, inputs,
                   [loss, reduction = reduction](const V& v) { return loss(v, reduction); }});
  }
  return out;
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(Op::mse_loss, [](Generator& g) {
    return each_reduction("[3, 4]", {leaf(normal(g, {3, 4})), normal(g, {3, 4})},
                          [](const V& v, Reduction r) { return mse_loss(v[0], v[1], r); });
  }));
  entries.push_back(entry(Op::l1_loss, [](Generator& g) {
    const Tensor target = normal(g, {3, 4});
    return each_reduction("[3, 4]", {leaf(target + avoiding(g, {3, 4}, {0.0})), target},
                          [](const V& v, Reduction r) { return l1_loss(v[0], v[1], r); });
  }));
  entries.push_back(entry(Op::smooth_l1_loss, [](Generator& g) {
    const Tensor target = normal(g, {3, 4});
    return each_reduction(
        "beta 0.5", {leaf(target + avoiding(g, {3, 4}, {-0.5, 0.0, 0.5})), target},
        [](const V& v, Reduction r) { return smooth_l1_loss(v[0], v[1], r, 0.5); });
  }));
  entries.push_back(entry(Op::huber_loss, [](Generator& g) {
    const Tensor target = normal(g, {3, 4});
    return each_reduction("delta 0.7",
                          {leaf(target + avoiding(g, {3, 4}, {-0.7, 0.0, 0.7})), target},
                          [](const V& v, Reduction r) { return huber_loss(v[0], v[1], r, 0.7); });
  }));
  entries.push_back(entry(
      Op::cross_entropy,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"indices, weight, ignore_index, smoothing",
             {leaf(normal(g, {5, 4})), indices({0, 3, -100, 1, 2}, {5}), uniform(g, {4}, 0.5, 1.5)},
             [](const V& v) {
               return cross_entropy(v[0], v[1], {.weight = v[2], .label_smoothing = 0.1});
             }},
            {"spatial, sum",
             {leaf(normal(g, {2, 3, 2})), indices({0, 2, 1, 1}, {2, 2})},
             [](const V& v) { return cross_entropy(v[0], v[1], {.reduction = Reduction::Sum}); }},
            {"probabilities",
             {leaf(normal(g, {3, 4})), softmax(normal(g, {3, 4}), 1)},
             [](const V& v) { return cross_entropy(v[0], v[1], {.label_smoothing = 0.2}); }}};
      },
      8));
  entries.push_back(entry(Op::nll_loss, [](Generator& g) {
    return std::vector<OpSample>{
        {"weighted",
         {leaf(normal(g, {5, 4})), indices({0, 3, 3, 1, 2}, {5}), uniform(g, {4}, 0.5, 1.5)},
         [](const V& v) { return nll_loss(v[0], v[1], v[2]); }}};
  }));
  entries.push_back(entry(
      Op::binary_cross_entropy,
      [](Generator& g) {
        return each_reduction(
            "[3, 4]", {leaf(uniform(g, {3, 4}, 0.1, 0.9)), uniform(g, {3, 4}, 0, 1)},
            [](const V& v, Reduction r) { return binary_cross_entropy(v[0], v[1], {}, r); });
      },
      4));
  entries.push_back(entry(
      Op::binary_cross_entropy_with_logits,
      [](Generator& g) {
        return each_reduction(
            "pos_weight",
            {leaf(avoiding(g, {3, 4}, {0.0})), uniform(g, {3, 4}, 0, 1), uniform(g, {4}, 0.5, 3)},
            [](const V& v, Reduction r) {
              return binary_cross_entropy_with_logits(v[0], v[1], {}, v[2], r);
            });
      },
      8));
  entries.push_back(entry(
      Op::kl_div,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"batchmean",
             {leaf(log_softmax(normal(g, {3, 4}), 1)), softmax(normal(g, {3, 4}), 1)},
             [](const V& v) { return kl_div(v[0], v[1], Reduction::BatchMean); }},
            {"log target",
             {leaf(log_softmax(normal(g, {3, 4}), 1)), leaf(log_softmax(normal(g, {3, 4}), 1))},
             [](const V& v) { return kl_div(v[0], v[1], Reduction::Sum, true); }}};
      },
      4));
  entries.push_back(entry(
      Op::gaussian_nll_loss,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"full, var per element",
             {leaf(normal(g, {3, 4})), normal(g, {3, 4}), leaf(uniform(g, {3, 4}, 0.5, 2))},
             [](const V& v) { return gaussian_nll_loss(v[0], v[1], v[2], true); }},
            {"var per row",
             {leaf(normal(g, {3, 4})), normal(g, {3, 4}), leaf(uniform(g, {3}, 0.5, 2))},
             [](const V& v) { return gaussian_nll_loss(v[0], v[1], v[2]); }}};
      },
      8));
}

const OpEntryRegistrar registrar(add_entries);

// Mean-reduced losses over [4096, 1024] (64 x 64 small); the classification losses over
// that many classes.
std::vector<OpSample> bench_loss(Generator& g, BenchSize size,
                                 const std::function<Tensor(const V&)>& loss) {
  return bench_binary(g, size, Domain::Real, Domain::Real, loss);
}

std::vector<OpSample> bench_probabilities(Generator& g, BenchSize size,
                                          const std::function<Tensor(const V&)>& loss) {
  const Shape shape = bench_matrix(size);
  return {bench_sample({uniform(g, shape, 0.05, 0.95), uniform(g, shape, 0, 1)}, loss)};
}

std::vector<OpSample> bench_classes(Generator& g, BenchSize size,
                                    const std::function<Tensor(const V&)>& loss) {
  const Shape shape = bench_matrix(size);
  return {bench_sample({normal(g, shape), random_indices(g, {shape[0]}, shape[1])}, loss)};
}

const BenchmarkRegistrar benchmarks({
    {Op::mse_loss,
     [](Generator& g, BenchSize size) {
       return bench_loss(g, size, [](const V& v) { return mse_loss(v[0], v[1]); });
     }},
    {Op::l1_loss,
     [](Generator& g, BenchSize size) {
       return bench_loss(g, size, [](const V& v) { return l1_loss(v[0], v[1]); });
     }},
    {Op::smooth_l1_loss,
     [](Generator& g, BenchSize size) {
       return bench_loss(
           g, size, [](const V& v) { return smooth_l1_loss(v[0], v[1], Reduction::Mean, 0.5); });
     }},
    {Op::huber_loss,
     [](Generator& g, BenchSize size) {
       return bench_loss(g, size,
                         [](const V& v) { return huber_loss(v[0], v[1], Reduction::Mean, 0.7); });
     }},
    {Op::cross_entropy,
     [](Generator& g, BenchSize size) {
       return bench_classes(g, size, [](const V& v) { return cross_entropy(v[0], v[1]); });
     }},
    {Op::nll_loss,
     [](Generator& g, BenchSize size) {
       return bench_classes(g, size, [](const V& v) { return nll_loss(v[0], v[1]); });
     }},
    {Op::binary_cross_entropy,
     [](Generator& g, BenchSize size) {
       return bench_probabilities(g, size,
                                  [](const V& v) { return binary_cross_entropy(v[0], v[1]); });
     }},
    {Op::binary_cross_entropy_with_logits,
     [](Generator& g, BenchSize size) {
       return bench_probabilities(
           g, size, [](const V& v) { return binary_cross_entropy_with_logits(v[0], v[1]); });
     }},
    {Op::kl_div,
     [](Generator& g, BenchSize size) {
       return bench_probabilities(g, size, [](const V& v) { return kl_div(v[0], v[1]); });
     }},
    {Op::gaussian_nll_loss,
     [](Generator& g, BenchSize size) {
       const Shape shape = bench_matrix(size);
       return std::vector<OpSample>{
           bench_sample({normal(g, shape), normal(g, shape), uniform(g, shape, 0.5, 2)},
                        [](const V& v) { return gaussian_nll_loss(v[0], v[1], v[2]); })};
     }},
});

}  // namespace

}  // namespace kiln::nn
