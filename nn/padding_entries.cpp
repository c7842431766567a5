// Registry entry of padding in every mode (nn/padding.cpp).
#include "autograd/registry/samples.h"
#include "nn/op_list.h"
#include "nn/padding.h"

namespace kiln::nn {

namespace {

using namespace autograd::samples;
using functional::pad;
using functional::PadMode;

std::vector<OpSample> constant_samples(Generator& g) {
  return {{"zeros",
           {leaf(normal(g, {2, 3, 2}))},
           [](const V& v) {
             return pad(v[0], {{1, 0}, {2, 1}});
           }},
          {"value",
           {leaf(normal(g, {3, 2}))},
           [](const V& v) {
             return pad(v[0], {{0, 2}}, 1.5);
           }},
          {"value, negative pads crop", {leaf(normal(g, {3, 4}))}, [](const V& v) {
             return pad(v[0], {{-1, 2}, {1, -2}}, -0.5);
           }}};
}

// Each copying mode over 1, 2 and 3 trailing dims, batched or not, with crops.
std::vector<OpSample> copy_mode_samples(Generator& g) {
  return {{"reflect 1-d",
           {leaf(normal(g, {2, 3, 5}))},
           [](const V& v) {
             return pad(v[0], {{3, 4}}, PadMode::Reflect);
           }},
          {"reflect 2-d, crops",
           {leaf(normal(g, {1, 2, 4, 5}))},
           [](const V& v) {
             return pad(v[0], {{2, -1}, {-2, 3}}, PadMode::Reflect);
           }},
          {"reflect 3-d",
           {leaf(normal(g, {1, 2, 3, 3, 4}))},
           [](const V& v) {
             return pad(v[0], {{1, 2}, {2, 0}, {3, 1}}, PadMode::Reflect);
           }},
          {"replicate 1-d unbatched, crop",
           {leaf(normal(g, {2, 4}))},
           [](const V& v) {
             return pad(v[0], {{-1, 3}}, PadMode::Replicate);
           }},
          {"replicate 3-d unbatched",
           {leaf(normal(g, {2, 3, 3, 4}))},
           [](const V& v) {
             return pad(v[0], {{1, 2}, {0, 3}, {2, 1}}, PadMode::Replicate);
           }},
          {"circular 2-d, crop",
           {leaf(normal(g, {2, 1, 3, 4}))},
           [](const V& v) {
             return pad(v[0], {{1, 3}, {2, -2}}, PadMode::Circular);
           }},
          {"circular 3-d", {leaf(normal(g, {1, 1, 2, 3, 4}))}, [](const V& v) {
             return pad(v[0], {{1, 1}, {3, 0}, {-1, 2}}, PadMode::Circular);
           }}};
}

void add_entries(std::vector<OpEntry>& entries) {
  entries.push_back(entry(
      Op::pad,
      [](Generator& g) {
        std::vector<OpSample> samples = constant_samples(g);
        for (OpSample& sample : copy_mode_samples(g)) samples.push_back(std::move(sample));
        return samples;
      },
      0));
}

const OpEntryRegistrar registrar(add_entries);

const BenchmarkRegistrar benchmarks({
    {Op::pad,
     [](Generator& g, BenchSize size) {
       std::vector<OpSample> samples = bench_unary(g, size, Domain::Real, [](const V& v) {
         return pad(v[0], {{1, 1}, {2, 2}});
       });
       samples.push_back(bench_sample({normal(g, bench_matrix(size))}, [](const V& v) {
         return pad(v[0], {{3, 3}}, PadMode::Reflect);
       }));
       return samples;
     }},
});

const BadInputRegistrar bad_inputs({
    {Op::pad,
     {{"PadConstantTooManyDims",
       [] {
         pad(f32({2, 2}), {{1, 1}, {1, 1}, {1, 1}});
       },
       {"pad: 3 padded dims for a tensor of shape [2, 2]"}},
      {"PadConstantCropsPastTheSize",
       [] {
         pad(f32({1, 1, 5}), {{-3, -3}});
       },
       {"pad: constant padding (-3, -3) leaves dim 2 of shape [1, 1, 5] with -1 elements"}},
      {"PadModeTakesNoValue",
       [] {
         pad(f32({1, 5}), {{1, 1}}, PadMode::Replicate, 2);
       },
       {"pad: mode replicate takes no value, got 2"}},
      {"PadModeInputWithoutChannels",
       [] {
         pad(f32({5}), {{1, 1}}, PadMode::Reflect);
       },
       {"pad: mode reflect pads 1 to 3 trailing dims of an input with 1 or 2 more dims, got 1 "
        "padded dims for shape [5]"}},
      {"PadModeFourDims",
       [] {
         pad(f32({1, 1, 2, 2, 2, 2}), {{1, 1}, {1, 1}, {1, 1}, {1, 1}}, PadMode::Circular);
       },
       {"pad: mode circular pads 1 to 3 trailing dims", "got 4 padded dims"}},
      {"PadReplicateEmptyChannels",
       [] {
         pad(f32({2, 0, 5}), {{1, 1}}, PadMode::Replicate);
       },
       {"pad: mode replicate needs every dim but the batch dim non-empty, got shape [2, 0, 5]"}},
      {"PadReflectAsLargeAsTheDim",
       [] {
         pad(f32({1, 1, 5}), {{5, 0}}, PadMode::Reflect);
       },
       {"pad: reflect padding (5, 0) of dim 2 must be smaller than its size 5"}},
      {"PadReplicateCropsEverything",
       [] {
         pad(f32({1, 1, 5}), {{-3, -2}}, PadMode::Replicate);
       },
       {"pad: replicate padding (-3, -2) leaves dim 2 of shape [1, 1, 5] with 0 elements, "
        "fewer than 1"}},
      {"PadCircularWrapsTwice",
       [] {
         pad(f32({1, 1, 5}), {{6, 0}}, PadMode::Circular);
       },
       {"pad: circular padding (6, 0) of dim 2 of size 5 wraps around more than once",
        "at most the size left after cropping, 5"}},
      {"PadCircularWrapsTwiceAfterCropping",
       [] {
         pad(f32({1, 1, 5}), {{4, -3}}, PadMode::Circular);
       },
       {"pad: circular padding (4, -3) of dim 2 of size 5 wraps around more than once",
        "after cropping, 2"}}}},
});

}  // namespace

}  // namespace kiln::nn
