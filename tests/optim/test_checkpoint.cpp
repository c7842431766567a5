// Training checkpoints: exact resume (bit-identical parameters), and every way a file can be
// wrong giving a kiln::Error that names it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "autograd/functions.h"
#include "optim/checkpoint_training.h"
#include "optim/sgd.h"
#include "tensor/creation.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/checksum.h"
#include "tensor/io/safetensors.h"
#include "tensor/testing.h"

namespace kiln::optim {
namespace {

using testing::error_of;

std::string temporary_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("kiln_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(Checkpoint, ResumeIsBitIdentical) {
  Training straight(1);
  straight.train(20);

  const std::string path = temporary_path("resume.safetensors");
  {
    Training first(1);
    first.train(10);
    save_checkpoint(path, first.checkpoint());
  }
  manual_seed(999);     // the default generator moves on before the resume
  Training resumed(2);  // other initial weights, overwritten by the load
  Checkpoint into = resumed.checkpoint();
  load_checkpoint(path, into);
  resumed.step = into.step;
  EXPECT_EQ(into.step, 10);
  EXPECT_EQ(into.extra["note"], "resume test");
  resumed.train(10);
  const auto expected = straight.model->state_dict(), actual = resumed.model->state_dict();
  for (const auto& [name, tensor] : expected) {
    EXPECT_EQ(actual.at(name).to_vector<float>(), tensor.to_vector<float>()) << name;
  }
  EXPECT_EQ(resumed.optimizer->lr(0), straight.optimizer->lr(0));
  std::filesystem::remove(path);
}

class CheckpointErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    training.train(2);
    save_checkpoint(path, training.checkpoint());
    bytes = read_file(path);
  }
  void TearDown() override { std::filesystem::remove(path); }
  // Loads `contents` (written to a file) into a fresh training run; returns the error.
  std::string load_error(const std::string& contents, Training& into) {
    const std::string other = path + ".variant";
    write_file_atomically(other, contents);
    Checkpoint checkpoint = into.checkpoint();
    const std::string message = error_of([&] { load_checkpoint(other, checkpoint); });
    std::filesystem::remove(other);
    return message;
  }

  Training training{1};
  const std::string path = temporary_path("errors.safetensors");
  std::string bytes;
};

TEST_F(CheckpointErrors, EveryTruncationIsAnError) {
  Training fresh(3);
  for (size_t size = 0; size < bytes.size(); size += 7) {
    EXPECT_NE(load_error(bytes.substr(0, size), fresh), "") << "truncated to " << size;
  }
}

TEST_F(CheckpointErrors, HeaderByteFlipsNeverCrash) {
  // A flip either still parses (a changed digit in a value, say) or is a kiln::Error; never
  // a crash or an out-of-bounds read (the sanitizer build runs this too).
  std::mt19937 rng(7);
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  const size_t header_end = 8 + header_length;
  Training fresh(3);
  for (int trial = 0; trial < 300; ++trial) {
    std::string flipped = bytes;
    flipped[rng() % header_end] ^= static_cast<char>(1 << (rng() % 8));
    const std::string other = path + ".flipped";
    write_file_atomically(other, flipped);
    Checkpoint checkpoint = fresh.checkpoint();
    try {
      load_checkpoint(other, checkpoint);
    } catch (const Error&) {
    }
    std::filesystem::remove(other);
  }
}

TEST_F(CheckpointErrors, WhatDoesNotFitIsNamed) {
  Training wider(3, 32);
  EXPECT_NE(load_error(bytes, wider)
                .find("model tensor '0.bias' is float32 [16] in the file but float32 [32] in "
                      "the model"),
            std::string::npos);
  Training doubled(3);
  doubled.model->to(kFloat64);
  EXPECT_NE(load_error(bytes, doubled).find("is float32 [16] in the file but float64 [16]"),
            std::string::npos);

  Training sgd(3);
  sgd.schedule.reset();
  sgd.optimizer = std::make_unique<SGD>(sgd.model->parameters(), SGDOptions{});
  Checkpoint with_sgd = sgd.checkpoint();
  with_sgd.schedule = nullptr;
  EXPECT_NE(error_of([&] {
              load_checkpoint(path, with_sgd);
            }).find("SGD.load_state_dict: the state was saved by AdamW, not SGD"),
            std::string::npos);

  Checkpoint weights_only{.model = training.model.get()};
  const std::string weights = path + ".weights";
  save_checkpoint(weights, weights_only);
  Training full(3);
  Checkpoint wants_all = full.checkpoint();
  EXPECT_NE(error_of([&] { load_checkpoint(weights, wants_all); }).find("holds no optimizer"),
            std::string::npos);
  std::filesystem::remove(weights);

  const std::string plain = path + ".plain";
  save_safetensors(plain, {{"x", zeros({2})}});
  EXPECT_NE(error_of([&] { load_checkpoint(plain, wants_all); }).find("not a kiln checkpoint"),
            std::string::npos);
  std::filesystem::remove(plain);

  EXPECT_NE(error_of([&] { load_checkpoint(path + ".missing", wants_all); }).find("cannot open"),
            std::string::npos);
}

TEST_F(CheckpointErrors, LyingOrCorruptHeadersAreErrors) {
  Training fresh(3);
  // Offsets past the end of the data.
  std::string lying = bytes;
  const size_t offsets = lying.find("\"data_offsets\":[0,");
  ASSERT_NE(offsets, std::string::npos);
  lying.replace(offsets, 18, "\"data_offsets\":[9,");
  EXPECT_NE(load_error(lying, fresh), "");
  // Metadata that is not JSON.
  std::string corrupt = bytes;
  const size_t extra = corrupt.find("{\\\"note\\\"");
  ASSERT_NE(extra, std::string::npos);
  corrupt[extra] = '[';
  EXPECT_NE(load_error(corrupt, fresh).find("the extra entry is not valid JSON"),
            std::string::npos);
}

// Found by fuzz_checkpoint (fuzz/corpus/checkpoint/regression_step_count_1e31.safetensors): a
// step counter of 1.9e31 loaded, and the next step turned it into an int64, which is undefined.
TEST_F(CheckpointErrors, AStepCountNoStepReachesIsAnError) {
  Training fresh(3);
  for (const double count : {1.8728e31, -1.0, 2.5, std::nan("")}) {
    Safetensors file = parse_safetensors(bytes);
    file.tensors["optimizer.0.step"] = full({}, count);
    file.metadata["kiln_checksum"] = tensors_checksum(file.tensors);
    EXPECT_NE(load_error(safetensors_bytes(file.tensors, file.metadata), fresh)
                  .find("state '0.step' holds"),
              std::string::npos)
        << count;
  }
}

// An extra entry nested 100,000 levels deep parsed, then overflowed the stack where the load
// copied it (found past the fuzzer's input sizes).
TEST_F(CheckpointErrors, NestingDeeperThanTheLimitIsAnError) {
  Training fresh(3);
  Safetensors file = parse_safetensors(bytes);
  file.metadata["extra"] = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(load_error(safetensors_bytes(file.tensors, file.metadata), fresh)
                .find("the extra entry: JSON nested deeper than"),
            std::string::npos);
}

// A float where the generators' or the schedule's integers belong was cast to one, undefined
// beyond the integer's range (the pattern fuzz_forecast_settings and fuzz_run_examples found).
TEST_F(CheckpointErrors, AFloatWhereAnIntegerBelongsIsAnError) {
  Training fresh(3);
  Safetensors file = parse_safetensors(bytes);
  nlohmann::json generators = nlohmann::json::parse(file.metadata["generators"]);
  generators["data"]["seed"] = 1e30;
  Safetensors floated = file;
  floated.metadata["generators"] = generators.dump();
  EXPECT_NE(load_error(safetensors_bytes(floated.tensors, floated.metadata), fresh)
                .find("the generator 'data' has seed 1e+30"),
            std::string::npos);
  nlohmann::json schedule = nlohmann::json::parse(file.metadata["schedule"]);
  schedule["schedulers"][1]["last_epoch"] = -1e30;
  floated = file;
  floated.metadata["schedule"] = schedule.dump();
  EXPECT_NE(load_error(safetensors_bytes(floated.tensors, floated.metadata), fresh)
                .find("last_epoch holds -1e+30, not an integer"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::optim
