// All-or-nothing checkpoint loads: a file that does not fit in any one part (model,
// optimizer kind, options or state, schedule, generators, step, extra JSON, checksum) is a
// kiln::Error naming the file, and leaves the model, optimizer, schedule, generators, step
// and extra bit-identical to before.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <limits>

#include "optim/checkpoint_training.h"
#include "optim/reduce_lr_on_plateau.h"
#include "optim/rmsprop.h"
#include "scratch_directory.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/checksum.h"
#include "tensor/io/safetensors.h"
#include "tensor/ops.h"
#include "tensor/testing.h"

namespace kiln::optim {
namespace {

using testing::error_of;

std::string bytes_of(const Tensor& tensor) {
  const Tensor host = raw::contiguous(raw::to(tensor, kCPU));
  return {static_cast<const char*>(host.data_ptr()), host.numel() * itemsize(host.dtype())};
}

std::map<std::string, std::string> bytes_of(const std::map<std::string, Tensor>& tensors) {
  std::map<std::string, std::string> out;
  for (const auto& [name, tensor] : tensors) out[name] = bytes_of(tensor);
  return out;
}

// Everything a failed load must leave alone, bit for bit.
struct Snapshot {
  Snapshot(const Training& training, const Checkpoint& checkpoint)
      : model(bytes_of(training.model->state_dict())),
        optimizer_tensors(bytes_of(training.optimizer->state_dict().tensors)),
        optimizer_groups(training.optimizer->state_dict().groups.dump()),
        schedule(training.schedule->state_dict().dump()),
        step(checkpoint.step),
        extra(checkpoint.extra.dump()) {
    for (const auto& [name, generator] : checkpoint.generators)
      generators[name] = {generator->seed(), generator->offset()};
  }
  bool operator==(const Snapshot&) const = default;

  std::map<std::string, std::string> model, optimizer_tensors;
  std::string optimizer_groups, schedule;
  std::map<std::string, std::pair<uint64_t, uint64_t>> generators;
  int64_t step;
  std::string extra;
};

// The file with `edit` applied and, where it had one, its checksum brought up to date, so that
// the edit itself is what the load trips on.
std::string edited(const std::string& bytes, const std::function<void(Safetensors&)>& edit) {
  Safetensors file = parse_safetensors(bytes);
  edit(file);
  if (file.metadata.contains("kiln_checksum"))
    file.metadata["kiln_checksum"] = tensors_checksum(file.tensors);
  return safetensors_bytes(file.tensors, file.metadata);
}

// Replaces one metadata entry's JSON with `edit`'s result.
std::function<void(Safetensors&)> edit_json(const std::string& key,
                                            const std::function<void(nlohmann::json&)>& edit) {
  return [key, edit](Safetensors& file) {
    nlohmann::json value = nlohmann::json::parse(file.metadata.at(key));
    edit(value);
    file.metadata[key] = value.dump();
  };
}

struct BrokenPart {
  std::string name;
  std::function<void(Safetensors&)> edit;
  std::string message;
};

void PrintTo(const BrokenPart& part, std::ostream* out) {
  *out << part.name;
}

std::vector<BrokenPart> broken_parts() {
  return {
      {"model_missing_tensor", [](Safetensors& f) { f.tensors.erase("model.0.bias"); },
       "has no model tensor '0.bias'"},
      {"model_extra_tensor", [](Safetensors& f) { f.tensors["model.9.weight"] = zeros({2}); },
       "has a model tensor '9.weight' the model lacks"},
      {"model_shape",
       [](Safetensors& f) {
         f.tensors["model.0.weight"] = zeros({16, 5});
       },
       "model tensor '0.weight' is float32 [16, 5] in the file but float32 [16, 4]"},
      {"model_dtype",
       [](Safetensors& f) { f.tensors["model.3.bias"] = zeros({2}, {.dtype = kFloat64}); },
       "model tensor '3.bias' is float64 [2] in the file but float32 [2]"},
      {"optimizer_kind", edit_json("optimizer", [](nlohmann::json& o) { o["type"] = "Adam"; }),
       "AdamW.load_state_dict: the state was saved by Adam, not AdamW"},
      {"optimizer_negative_lr",
       edit_json("optimizer", [](nlohmann::json& o) { o["groups"][0]["lr"] = -0.5; }),
       "AdamW: lr must be non-negative, got -0.5"},
      {"optimizer_adamw_as_adam",
       edit_json("optimizer",
                 [](nlohmann::json& o) { o["groups"][0]["decoupled_weight_decay"] = false; }),
       "AdamW: decoupled_weight_decay must be true"},
      {"optimizer_unreadable_option",
       edit_json("optimizer", [](nlohmann::json& o) { o["groups"][0]["beta1"] = "high"; }),
       "unreadable group options"},
      {"optimizer_state_shape",
       [](Safetensors& f) { f.tensors["optimizer.3.exp_avg"] = zeros({3}); },
       "state '3.exp_avg' has shape [3] but the parameter has shape [2]"},
      {"schedule_kind", edit_json("schedule", [](nlohmann::json& s) { s["type"] = "StepLR"; }),
       "SequentialLR load_state_dict: the state was saved by StepLR, not SequentialLR"},
      // The last part of the composite schedule: the parts before it must stay unloaded too.
      {"schedule_inner_rate",
       edit_json("schedule", [](nlohmann::json& s) { s["schedulers"][1]["last_lr"] = {-1.0}; }),
       "CosineAnnealingLR load_state_dict: last_lr holds the rate -1"},
      {"schedule_missing_field",
       edit_json("schedule", [](nlohmann::json& s) { s.erase("last_epoch"); }),
       "SequentialLR load_state_dict: [json.exception.out_of_range.403] key 'last_epoch' not "
       "found"},
      {"generator_missing", edit_json("generators", [](nlohmann::json& g) { g.erase("data"); }),
       "holds no state for the generator 'data'"},
      {"generator_negative_offset",
       edit_json("generators", [](nlohmann::json& g) { g["data"]["offset"] = -1; }),
       "the generator 'data' has seed 11 and offset -1"},
      {"step_unreadable", [](Safetensors& f) { f.metadata["step"] = "2x"; },
       "has no readable step"},
      {"extra_not_json", [](Safetensors& f) { f.metadata["extra"] = "{\"note\": "; },
       "the extra entry is not valid JSON"},
  };
}

class CheckpointAllOrNothing : public ::testing::Test {
 protected:
  void SetUp() override {
    Training saved(1);
    saved.train(2);
    save_checkpoint(path, saved.checkpoint());
    bytes = read_file(path);
    // The load target differs from the file in every part, so that a partial load shows.
    into.train(1);
    checkpoint = into.checkpoint();
    checkpoint.extra = {{"mine", true}};
  }
  // Loads `contents` into `into`; returns the error's message.
  std::string load_error(const std::string& contents) {
    write_file_atomically(variant, contents);
    return error_of([&] { load_checkpoint(variant, checkpoint); });
  }

  testing::ScratchDirectory directory{"all_or_nothing"};
  const std::string path = (directory.path() / "checkpoint.safetensors").string();
  const std::string variant = (directory.path() / "variant.safetensors").string();
  std::string bytes;
  Training into{3};
  Checkpoint checkpoint;
};

TEST_F(CheckpointAllOrNothing, TheUneditedFileLoadsAndChangesEveryPart) {
  const Snapshot before(into, checkpoint);
  EXPECT_EQ(load_error(edited(bytes, [](Safetensors&) {})), "(no error)");
  const Snapshot after(into, checkpoint);
  EXPECT_NE(after.model, before.model);
  EXPECT_NE(after.optimizer_tensors, before.optimizer_tensors);
  EXPECT_NE(after.schedule, before.schedule);
  EXPECT_NE(after.generators, before.generators);
  EXPECT_NE(after.step, before.step);
  EXPECT_NE(after.extra, before.extra);
}

class BrokenPartLoad : public CheckpointAllOrNothing,
                       public ::testing::WithParamInterface<BrokenPart> {};

TEST_P(BrokenPartLoad, IsAnErrorThatChangesNothing) {
  const Snapshot before(into, checkpoint);
  const std::string error = load_error(edited(bytes, GetParam().edit));
  EXPECT_NE(error.find("checkpoint '" + variant + "': "), std::string::npos) << error;
  EXPECT_NE(error.find(GetParam().message), std::string::npos) << error;
  EXPECT_TRUE(Snapshot(into, checkpoint) == before);
  // Still whole: the good file loads into it afterwards.
  EXPECT_EQ(load_error(bytes), "(no error)");
}

INSTANTIATE_TEST_SUITE_P(EachPart, BrokenPartLoad, ::testing::ValuesIn(broken_parts()),
                         [](const auto& info) { return info.param.name; });

TEST_F(CheckpointAllOrNothing, AFlippedWeightByteIsAChecksumMismatch) {
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  const auto header = nlohmann::json::parse(bytes.substr(8, header_length));
  const uint64_t weight_start = header["model.0.weight"]["data_offsets"][0];
  std::string flipped = bytes;
  flipped[8 + header_length + weight_start + 21] ^= 0x01;  // a low mantissa bit: still a float

  const Snapshot before(into, checkpoint);
  const std::string error = load_error(flipped);
  EXPECT_NE(error.find("checkpoint '" + variant + "': checksum mismatch"), std::string::npos)
      << error;
  EXPECT_TRUE(Snapshot(into, checkpoint) == before);
}

TEST_F(CheckpointAllOrNothing, FilesWithoutAChecksumStillLoad) {
  const Safetensors original = parse_safetensors(bytes);
  EXPECT_EQ(original.metadata.at("kiln_checksum"), tensors_checksum(original.tensors));
  EXPECT_EQ(original.metadata.at("kiln_checksum").size(), std::string("fnv1a64:").size() + 16);
  EXPECT_EQ(load_error(edited(bytes, [](Safetensors& f) { f.metadata.erase("kiln_checksum"); })),
            "(no error)");
  const Snapshot unchecked(into, checkpoint);
  EXPECT_EQ(load_error(bytes), "(no error)");
  EXPECT_TRUE(Snapshot(into, checkpoint) == unchecked);
}

TEST(TensorsChecksum, CoversNamesDtypesShapesAndEveryByte) {
  const Tensor values = arange(int64_t{6}, {.dtype = kFloat32});
  const std::string reference = tensors_checksum({{"a", values}});
  EXPECT_EQ(reference, tensors_checksum({{"a", values.clone()}}));
  EXPECT_NE(reference, tensors_checksum({{"b", values}}));
  EXPECT_NE(reference, tensors_checksum({{"a", values.reshape({2, 3})}}));
  // float64 zeros and an int64 zero-filled tensor share their bytes; the dtype tells them apart.
  EXPECT_NE(tensors_checksum({{"a", zeros({2}, {.dtype = kFloat64})}}),
            tensors_checksum({{"a", zeros({2}, {.dtype = kInt64})}}));
  for (int64_t byte = 0; byte < 24; ++byte) {
    Tensor changed = values.clone();
    static_cast<unsigned char*>(changed.data_ptr())[byte] ^= 0x80;
    EXPECT_NE(reference, tensors_checksum({{"a", changed}})) << "byte " << byte;
  }
  // FNV-1a's published test vector: the empty input hashes to the offset basis.
  EXPECT_EQ(tensors_checksum({}), "fnv1a64:cbf29ce484222325");
}

TEST(OptimizerLoad, AnotherKindOrBadOptionsChangeNothing) {
  Tensor a = ones({2}).requires_grad_();
  Adam adam({a}, {.lr = 0.1});
  AdamW adamw({a}, {.lr = 0.2});
  a.set_grad(ones({2}));
  adamw.step();
  const std::string before = adamw.state_dict().groups.dump();
  EXPECT_NE(error_of([&] {
              adamw.load_state_dict(adam.state_dict());
            }).find("AdamW.load_state_dict: the state was saved by Adam, not AdamW"),
            std::string::npos);

  RMSprop rmsprop({a}, {.lr = 0.1});
  OptimizerState negative = rmsprop.state_dict();
  negative.groups[0]["lr"] = -1;
  EXPECT_NE(error_of([&] {
              rmsprop.load_state_dict(negative);
            }).find("RMSprop: lr must be non-negative, got -1"),
            std::string::npos);
  EXPECT_EQ(rmsprop.lr(0), 0.1);
  EXPECT_EQ(adamw.state_dict().groups.dump(), before);
}

// ReduceLROnPlateau through a checkpoint file, with its best as the file holds it.
nlohmann::json plateau_round_trip(ReduceLROnPlateau& saved, ReduceLROnPlateau& loaded,
                                  const std::string& path) {
  save_checkpoint(path, {.schedule = &saved, .generators = {}});
  const nlohmann::json in_file =
      nlohmann::json::parse(load_safetensors(path).metadata.at("schedule"))["best"];
  Checkpoint into{.schedule = &loaded, .generators = {}};
  load_checkpoint(path, into);
  EXPECT_EQ(loaded.state_dict(), saved.state_dict());
  return in_file;
}

TEST(PlateauCheckpoint, InfiniteBestsRoundTrip) {
  const testing::ScratchDirectory directory("plateau");
  const std::string path = (directory.path() / "plateau.safetensors").string();
  Training run(1);
  Optimizer& optimizer = *run.optimizer;

  ReduceLROnPlateau fresh_min(optimizer), loaded_min(optimizer);
  loaded_min.step(0.5);  // a finite best the load must replace
  EXPECT_EQ(plateau_round_trip(fresh_min, loaded_min, path), "inf");

  ReduceLROnPlateau fresh_max(optimizer, {.mode = "max"}), loaded_max(optimizer, {.mode = "max"});
  loaded_max.step(0.5);
  EXPECT_EQ(plateau_round_trip(fresh_max, loaded_max, path), "-inf");

  // A best of +inf in max mode is not the mode's starting best: a null would lose it.
  ReduceLROnPlateau saw_inf(optimizer, {.mode = "max"}), loaded_inf(optimizer, {.mode = "max"});
  saw_inf.step(std::numeric_limits<double>::infinity());
  EXPECT_EQ(plateau_round_trip(saw_inf, loaded_inf, path), "inf");

  ReduceLROnPlateau finite(optimizer), loaded_finite(optimizer);
  finite.step(0.25);
  EXPECT_EQ(plateau_round_trip(finite, loaded_finite, path), 0.25);

  // States written before the string form held null for the starting best.
  nlohmann::json older = finite.state_dict();
  older["best"] = nullptr;
  older.erase("type");
  ReduceLROnPlateau from_older(optimizer, {.mode = "max"});
  from_older.load_state_dict(older);
  EXPECT_EQ(from_older.state_dict()["best"], "-inf");

  nlohmann::json nan = older;
  nan["best"] = "nan";
  EXPECT_NE(error_of([&] { from_older.load_state_dict(nan); }).find("best must be a number"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::optim
