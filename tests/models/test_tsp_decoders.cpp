// The TSP decoders of models/tsp_decoders.h on small untrained policies (the attention model
// and the pointer network, through the same interface): every
// decoder returns valid tours; the ones that try the greedy tour among others (the eight
// symmetric images, every start node) are never longer than greedy; beam search of width 1
// is greedy and, wide enough to keep every partial tour, finds the optimum; 2-opt never
// lengthens a tour; the symmetries keep lengths; decode specs parse and print alike.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "models/attention_model.h"
#include "models/pointer_network.h"
#include "models/tasks/tsp_baselines.h"
#include "models/tasks/tsp_instances.h"
#include "models/tsp_decoders.h"
#include "tensor/creation.h"
#include "tensor/testing.h"

namespace kiln::models {
namespace {

class TspDecoders : public ::testing::TestWithParam<std::string> {
 protected:
  TspDecoders() : model_(make_model(GetParam())) {}

  static std::shared_ptr<TspPolicy> make_model(const std::string& kind) {
    manual_seed(7);
    if (kind == "attention_model")
      return std::make_shared<AttentionModel>(
          AttentionModelConfig{.embedding_dim = 16, .n_encode_layers = 1, .n_heads = 2});
    return std::make_shared<PointerNetwork>(
        PointerNetworkConfig{.embedding_dim = 8, .hidden_dim = 8});
  }
  DecodedTours decode(const Tensor& instances, const std::string& spec) {
    const DecodedTours decoded = decode_tsp(*model_, instances, TspDecodeSpec::parse(spec), 3, 7);
    check_tours(decoded.tours, instances.size(1));
    return decoded;
  }
  static void expect_no_longer(const Tensor& lengths, const Tensor& than, const std::string& what) {
    const std::vector<double> a = lengths.to_vector<double>(), b = than.to_vector<double>();
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_LE(a[i], b[i] + 1e-12) << what << ", instance " << i;
  }

  std::shared_ptr<TspPolicy> model_;
};

INSTANTIATE_TEST_SUITE_P(Policies, TspDecoders,
                         ::testing::Values("attention_model", "pointer_network"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST_P(TspDecoders, EveryDecoderGivesValidToursAndTheSupersetsOfGreedyAreNoLonger) {
  const Tensor instances = tsp_numpy_instances(20, 9, 5);
  const DecodedTours greedy = decode(instances, "greedy");
  // decode_tsp's lengths are the tours' lengths on the float64 instances.
  testing::expect_same(greedy.lengths, tour_lengths(instances, greedy.tours), 1e-12, 1e-12);
  expect_no_longer(decode(instances, "greedy+aug8").lengths, greedy.lengths, "aug8");
  expect_no_longer(decode(instances, "multistart").lengths, greedy.lengths, "multistart");
  expect_no_longer(decode(instances, "greedy+2opt").lengths, greedy.lengths, "2opt");
  expect_no_longer(decode(instances, "multistart+aug8+2opt").lengths, greedy.lengths, "all");
  decode(instances, "sample:5+aug8");
  decode(instances, "beam:12+2opt");
}

TEST_P(TspDecoders, BeamOfWidthOneIsGreedyAndAWideOneIsExhaustive) {
  const Tensor instances = tsp_numpy_instances(10, 6, 8);
  const DecodedTours greedy = decode(instances, "greedy");
  EXPECT_EQ(decode(instances, "beam:1").tours.to_vector<int64_t>(),
            greedy.tours.to_vector<int64_t>());
  // 6! = 720 beams keep every partial tour, so the shortest final beam is optimal.
  const TspSolutions optimal = solve_tsp(instances, tsp_baseline("held_karp", 6));
  testing::expect_same(decode(instances, "beam:720").lengths, optimal.lengths, 1e-9, 1e-9);
  // Wider than there are continuations at the first steps: the beams that ran out never win.
  decode(instances, "beam:1000");
}

TEST_P(TspDecoders, SymmetriesKeepTourLengths) {
  const Tensor instances = tsp_numpy_instances(4, 7, 2);
  const Tensor images = unit_square_symmetries(instances);
  ASSERT_EQ(images.shape(), (Shape{32, 7, 2}));
  EXPECT_GE(images.amin().item<double>(), 0);
  EXPECT_LE(images.amax().item<double>(), 1);
  const Tensor tours = solve_tsp(instances, tsp_baseline("nearest_neighbour", 7)).tours;
  const Tensor lengths = tour_lengths(instances, tours).repeat_interleave(8, 0);
  testing::expect_same(tour_lengths(images, tours.repeat_interleave(8, 0)), lengths, 1e-12, 1e-12);
  // The eight images of an instance differ from each other.
  for (int64_t k = 1; k < 8; ++k)
    EXPECT_GT((images.select(0, k) - images.select(0, 0)).abs().amax().item<double>(), 0);
}

TEST_P(TspDecoders, DecodingKeepsTheModelsMode) {
  model_->train();
  decode(tsp_numpy_instances(3, 5, 1), "greedy");
  EXPECT_TRUE(model_->is_training());
}

TEST(TspDecodeSpec, ParsesAndPrints) {
  for (const std::string text : {"greedy", "sample:1280", "beam:16", "multistart", "greedy+aug8",
                                 "beam:4+2opt", "multistart+aug8+2opt"})
    EXPECT_EQ(TspDecodeSpec::parse(text).str(), text);
  const TspDecodeSpec spec = TspDecodeSpec::parse("sample:16+aug8");
  EXPECT_EQ(spec.kind, TspDecodeSpec::Kind::Sample);
  EXPECT_EQ(spec.count, 16);
  EXPECT_TRUE(spec.augment);
  EXPECT_FALSE(spec.two_opt);
  for (const std::string bad : {"beam", "beam:0", "sample:x", "greedy+2opt+aug8", "top:3", ""}) {
    const std::string error = testing::error_of([&] { TspDecodeSpec::parse(bad); });
    EXPECT_NE(error.find("decode:"), std::string::npos) << bad << ": " << error;
  }
}

}  // namespace
}  // namespace kiln::models
