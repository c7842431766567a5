#include "optim/checkpoint.h"

#include <charconv>
#include <tuple>
#include <vector>

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/checksum.h"
#include "tensor/io/json_input.h"
#include "tensor/io/safetensors.h"
#include "tensor/ops.h"

namespace kiln::optim {

namespace {

constexpr const char* kFormatKey = "kiln_checkpoint";
constexpr const char* kFormatVersion = "1";
constexpr const char* kChecksumKey = "kiln_checksum";
constexpr const char* kModelPrefix = "model.";
constexpr const char* kOptimizerPrefix = "optimizer.";

nlohmann::json parse_metadata(const Safetensors& file, const std::string& key) {
  const auto found = file.metadata.find(key);
  KILN_CHECK(found != file.metadata.end(), "holds no ", key);
  try {
    return nlohmann::json::parse(found->second, json_depth_limit("the " + key + " entry"));
  } catch (const nlohmann::json::exception& error) {
    throw Error("the " + key + " entry is not valid JSON: " + error.what());
  }
}

// A value from the file for a message: flat values only, as printing a deeply nested one
// would recurse as deep as its nesting.
std::string shown(const nlohmann::json& value) {
  return value.is_primitive() ? value.dump() : std::string("a JSON ") + value.type_name();
}

std::map<std::string, Tensor> with_prefix(const std::map<std::string, Tensor>& tensors,
                                          const std::string& prefix) {
  std::map<std::string, Tensor> out;
  for (const auto& [name, tensor] : tensors) {
    if (name.starts_with(prefix)) out[name.substr(prefix.size())] = tensor;
  }
  return out;
}

// The tensors as the file will hold them: on the host, so that the checksum and the writer
// read the same copy.
std::map<std::string, Tensor> on_host(std::map<std::string, Tensor> tensors) {
  for (auto& [name, tensor] : tensors) tensor = raw::contiguous(raw::to(tensor, kCPU));
  return tensors;
}

void check_format(const Safetensors& file) {
  const auto format = file.metadata.find(kFormatKey);
  KILN_CHECK(format != file.metadata.end(), "is a safetensors file but not a kiln checkpoint");
  KILN_CHECK(format->second == kFormatVersion, "has checkpoint format ", format->second,
             "; this kiln reads ", kFormatVersion);
}

// Files written before checkpoints carried a checksum load unchecked.
void verify_checksum(const Safetensors& file) {
  const auto recorded = file.metadata.find(kChecksumKey);
  if (recorded == file.metadata.end()) return;
  const std::string actual = tensors_checksum(file.tensors);
  KILN_CHECK(recorded->second == actual, "checksum mismatch: the tensors hash to ", actual,
             " but the file records ", recorded->second, "; the file is corrupt");
}

// The model's state must match the file's exactly: names, shapes and dtypes. The staged
// copies are already on the model's device, so committing only copies.
Commit prepare_model(nn::Module& model, const Safetensors& file) {
  KILN_CHECK(file.metadata.contains("model"), "holds no model");
  const std::map<std::string, Tensor> saved = with_prefix(file.tensors, kModelPrefix);
  nn::StateDict staged;
  for (const auto& [name, tensor] : model.state_dict()) {
    const auto found = saved.find(name);
    KILN_CHECK(found != saved.end(), "has no model tensor '", name, "'");
    const Tensor& value = found->second;
    KILN_CHECK(value.shape() == tensor.shape() && value.dtype() == tensor.dtype(), "model tensor '",
               name, "' is ", value.dtype(), " ", value.shape(), " in the file but ",
               tensor.dtype(), " ", tensor.shape(), " in the model");
    staged[name] = raw::to(value, tensor.device());
  }
  for (const auto& [name, tensor] : saved) {
    KILN_CHECK(staged.contains(name), "has a model tensor '", name, "' the model lacks");
  }
  return [&model, staged = std::move(staged)]() { model.load_state_dict(staged); };
}

Commit prepare_optimizer(Optimizer& optimizer, const Safetensors& file) {
  const nlohmann::json saved = parse_metadata(file, "optimizer");
  KILN_CHECK(saved.is_object() && saved.contains("type") && saved["type"].is_string(),
             "the optimizer entry names no optimizer type");
  return optimizer.prepare_load_state_dict({.type = saved["type"].get<std::string>(),
                                            .tensors = with_prefix(file.tensors, kOptimizerPrefix),
                                            .groups = saved.value("groups", nlohmann::json())});
}

Commit prepare_generators(const std::map<std::string, Generator*>& generators,
                          const nlohmann::json& saved) {
  std::vector<std::tuple<Generator*, uint64_t, uint64_t>> staged;
  for (const auto& [name, generator] : generators) {
    const bool found = saved.is_object() && saved.contains(name) && saved[name].is_object();
    KILN_CHECK(found && saved[name].contains("seed") && saved[name].contains("offset"),
               "holds no state for the generator '", name, "'");
    const nlohmann::json &seed = saved[name]["seed"], &offset = saved[name]["offset"];
    KILN_CHECK(seed.is_number_unsigned() && offset.is_number_unsigned(), "the generator '", name,
               "' has seed ", shown(seed), " and offset ", shown(offset),
               "; both must be non-negative integers");
    staged.emplace_back(generator, seed.get<uint64_t>(), offset.get<uint64_t>());
  }
  return [staged = std::move(staged)]() {
    for (const auto& [generator, seed, offset] : staged) {
      generator->manual_seed(seed);
      generator->set_offset(offset);
    }
  };
}

int64_t read_step(const Safetensors& file) {
  const auto found = file.metadata.find("step");
  int64_t step = -1;
  if (found != file.metadata.end()) {
    const std::string& text = found->second;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), step);
    if (error != std::errc() || end != text.data() + text.size()) step = -1;
  }
  KILN_CHECK(step >= 0, "has no readable step");
  return step;
}

// Every part's Commit, each prepared (parsed and checked) before any is run.
std::vector<Commit> prepare_load(const Safetensors& file, Checkpoint& checkpoint) {
  check_format(file);
  verify_checksum(file);
  std::vector<Commit> commits;
  if (checkpoint.model != nullptr) commits.push_back(prepare_model(*checkpoint.model, file));
  if (checkpoint.optimizer != nullptr)
    commits.push_back(prepare_optimizer(*checkpoint.optimizer, file));
  if (checkpoint.schedule != nullptr) {
    commits.push_back(
        checkpoint.schedule->prepare_load_state_dict(parse_metadata(file, "schedule")));
  }
  commits.push_back(prepare_generators(checkpoint.generators, parse_metadata(file, "generators")));
  const int64_t step = read_step(file);
  commits.push_back([&checkpoint, step, extra = parse_metadata(file, "extra")]() {
    checkpoint.step = step;
    checkpoint.extra = extra;
  });
  return commits;
}

}  // namespace

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata = {{kFormatKey, kFormatVersion},
                                                 {"step", std::to_string(checkpoint.step)},
                                                 {"extra", checkpoint.extra.dump()}};
  if (checkpoint.model != nullptr) {
    for (const auto& [name, tensor] : checkpoint.model->state_dict())
      tensors[kModelPrefix + name] = tensor;
    metadata["model"] = "{}";
  }
  if (checkpoint.optimizer != nullptr) {
    const OptimizerState state = checkpoint.optimizer->state_dict();
    for (const auto& [name, tensor] : state.tensors) tensors[kOptimizerPrefix + name] = tensor;
    metadata["optimizer"] = nlohmann::json{{"type", state.type}, {"groups", state.groups}}.dump();
  }
  if (checkpoint.schedule != nullptr)
    metadata["schedule"] = checkpoint.schedule->state_dict().dump();
  nlohmann::json generators = nlohmann::json::object();
  for (const auto& [name, generator] : checkpoint.generators)
    generators[name] = {{"seed", generator->seed()}, {"offset", generator->offset()}};
  metadata["generators"] = generators.dump();
  tensors = on_host(std::move(tensors));
  metadata[kChecksumKey] = tensors_checksum(tensors);
  save_safetensors(path, tensors, metadata);
}

void load_checkpoint(const std::string& path, Checkpoint& checkpoint) {
  load_checkpoint_bytes(read_file(path), path, checkpoint);
}

void load_checkpoint_bytes(std::string_view bytes, const std::string& path,
                           Checkpoint& checkpoint) {
  const Safetensors file = parse_safetensors(bytes, path);
  std::vector<Commit> commits;
  try {
    commits = prepare_load(file, checkpoint);
  } catch (const Error& error) {
    throw Error("checkpoint '" + path + "': " + error.what());
  } catch (const nlohmann::json::exception& error) {
    throw Error("checkpoint '" + path + "': " + error.what());
  }
  for (const Commit& commit : commits) commit();
}

}  // namespace kiln::optim
