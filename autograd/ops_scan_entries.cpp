// Registry entries of cumsum and cumprod (autograd/ops_scan.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "tensor/creation.h"

namespace kiln::autograd {

namespace {

using namespace samples;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(along_entry(Op::cumsum, Domain::Real,
                                [](const Tensor& x, int64_t d) { return cumsum(x, d); }));
  OpEntry cumprod_entry = along_entry(Op::cumprod, Domain::AwayFromZero,
                                      [](const Tensor& x, int64_t d) { return cumprod(x, d); });
  cumprod_entry.samples = [away_from_zero = cumprod_entry.samples](Generator& g) {
    std::vector<OpSample> out = away_from_zero(g);
    const Tensor zeros_in =
        from_vector(std::vector<double>{2, 0, 3, 0.5, 1, -1, 0, 2}, {2, 4}, {.dtype = kFloat64});
    out.push_back({"zeros, dim 1", {leaf(zeros_in)}, [](const V& v) { return cumprod(v[0], 1); }});
    return out;
  };
  entries.push_back(std::move(cumprod_entry));
}

const OpEntryRegistrar registrar(add_entries);

const BadInputRegistrar bad_inputs({
    {Op::cumsum,
     {
         {"CumsumDimOutOfRange", [] { cumsum(f32({2}), 3); }, {"cumsum: dim 3 is out of range"}},
     }},
});

}  // namespace

}  // namespace kiln::autograd
