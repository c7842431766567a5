// Registry entry of batch normalisation (nn/batch_norm.cpp).
#include "autograd/functions.h"
#include "autograd/registry/samples.h"
#include "nn/batch_norm.h"
#include "nn/op_list.h"

namespace kiln::nn {

namespace {

using autograd::OpCall;
using autograd::OpEntry;
using autograd::OpSample;
using namespace autograd::samples;
using V = std::vector<Tensor>;

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(
      Op::batch_norm,
      [](Generator& g) {
        return std::vector<OpSample>{
            {"1-d, training statistics", {leaf(normal(g, {4, 3, 2}))}, [](const V& v) {
               BatchNorm1d norm(3);
               norm.to(v[0].dtype());
               norm.to(v[0].device());
               return norm(v[0]);
             }}};
      },
      8));
}

const autograd::OpEntryRegistrar registrar(add_entries);

}  // namespace

}  // namespace kiln::nn
