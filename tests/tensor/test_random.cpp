#include <gtest/gtest.h>

#include "tensor/parallel.h"
#include "tensor/random.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

// Known-answer vectors of Random123's Philox4x32-10 (kat_vectors).
TEST(Philox, KnownAnswers) {
  EXPECT_EQ(Philox::block(0, 0, 0),
            (Philox::Block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(Philox::block(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
            (Philox::Block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(Philox::block(0x299f31d0a4093822, 0x85a308d3243f6a88, 0x0370734413198a2e),
            (Philox::Block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(Random, SeedReproducesAndAdvances) {
  Generator first(42), second(42);
  const auto a = rand({1000}, {}, &first).to_vector<float>();
  const auto b = rand({1000}, {}, &second).to_vector<float>();
  EXPECT_EQ(a, b);
  EXPECT_NE(rand({1000}, {}, &first).to_vector<float>(), a);
  EXPECT_EQ(first.offset(), 500u);
  manual_seed(7);
  const auto c = randn({10}).to_vector<float>();
  manual_seed(7);
  EXPECT_EQ(randn({10}).to_vector<float>(), c);
}

TEST(Random, OffsetResumesAStream) {
  Generator running(9);
  rand({10}, {}, &running);
  const uint64_t offset = running.offset();
  const auto next = randn({6}, {}, &running).to_vector<float>();
  Generator resumed(9);
  resumed.set_offset(offset);
  EXPECT_EQ(randn({6}, {}, &resumed).to_vector<float>(), next);
}

TEST(Random, ElementMappingIsDocumented) {
  // Element 5 of a float32 uniform draw is word 1 of block 1, top 24 bits.
  Generator generator(3);
  const auto values = rand({8}, {}, &generator).to_vector<float>();
  const Philox::Block block = Philox::block(3, 1);
  EXPECT_EQ(values[5], static_cast<float>((block[1] >> 8) * 0x1.0p-24));
}

TEST(Random, StreamDoesNotDependOnThreads) {
  const int threads = num_threads();
  set_num_threads(1);
  Generator one(11);
  const auto single = randn({300000}, {}, &one).to_vector<float>();
  set_num_threads(2);
  Generator two(11);
  const auto dual = randn({300000}, {}, &two).to_vector<float>();
  set_num_threads(threads);
  EXPECT_EQ(single, dual);
}

TEST(Random, Moments) {
  Generator generator(1);
  const Tensor u = rand({200000}, {.dtype = kFloat64}, &generator);
  EXPECT_NEAR(u.mean().item<double>(), 0.5, 0.005);
  EXPECT_NEAR(u.var().item<double>(), 1.0 / 12, 0.002);
  EXPECT_GE(u.amin().item<double>(), 0.0);
  EXPECT_LT(u.amax().item<double>(), 1.0);
  const Tensor n = randn({200000}, {}, &generator);
  EXPECT_NEAR(n.mean().item<double>(), 0.0, 0.01);
  EXPECT_NEAR(n.std().item<double>(), 1.0, 0.01);
  const Tensor k = randint(-3, 4, {100000}, {}, &generator);
  EXPECT_EQ(k.amin().item<int64_t>(), -3);
  EXPECT_EQ(k.amax().item<int64_t>(), 3);
  EXPECT_NEAR(k.to(kFloat64).mean().item<double>(), 0.0, 0.05);
  const Tensor coin = bernoulli({100000}, 0.3, {}, &generator);
  EXPECT_NEAR(coin.mean().item<double>(), 0.3, 0.01);
  const Tensor p = full({100000}, 0.8, {.dtype = kFloat64});
  EXPECT_NEAR(bernoulli(p, &generator).mean().item<double>(), 0.8, 0.01);
}

}  // namespace
}  // namespace kiln
