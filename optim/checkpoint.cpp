#include "optim/checkpoint.h"

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/json_input.h"
#include "tensor/io/safetensors.h"

namespace kiln::optim {

namespace {

constexpr const char* kFormatKey = "kiln_checkpoint";
constexpr const char* kFormatVersion = "1";
constexpr const char* kModelPrefix = "model.";
constexpr const char* kOptimizerPrefix = "optimizer.";

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error("checkpoint '" + path + "': " + what);
}

nlohmann::json parse_metadata(const Safetensors& file, const std::string& key,
                              const std::string& path) {
  const auto found = file.metadata.find(key);
  if (found == file.metadata.end()) fail(path, "holds no " + key);
  try {
    return nlohmann::json::parse(
        found->second, json_depth_limit("checkpoint '" + path + "': the " + key + " entry"));
  } catch (const nlohmann::json::exception& error) {
    fail(path, "the " + key + " entry is not valid JSON: " + error.what());
  }
}

std::map<std::string, Tensor> with_prefix(const std::map<std::string, Tensor>& tensors,
                                          const std::string& prefix) {
  std::map<std::string, Tensor> out;
  for (const auto& [name, tensor] : tensors) {
    if (name.starts_with(prefix)) out[name.substr(prefix.size())] = tensor;
  }
  return out;
}

// The model's state must match the file's exactly: names, shapes and dtypes.
void check_model(const nn::Module& model, const std::map<std::string, Tensor>& saved,
                 const std::string& path) {
  const nn::StateDict own = model.state_dict();
  for (const auto& [name, tensor] : own) {
    const auto found = saved.find(name);
    if (found == saved.end()) fail(path, "has no model tensor '" + name + "'");
    const Tensor& value = found->second;
    if (value.shape() != tensor.shape() || value.dtype() != tensor.dtype()) {
      std::ostringstream why;
      why << "model tensor '" << name << "' is " << value.dtype() << " " << value.shape()
          << " in the file but " << tensor.dtype() << " " << tensor.shape() << " in the model";
      fail(path, why.str());
    }
  }
  for (const auto& [name, tensor] : saved) {
    if (!own.contains(name)) fail(path, "has a model tensor '" + name + "' the model lacks");
  }
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
    metadata["optimizer"] =
        nlohmann::json{{"type", checkpoint.optimizer->name()}, {"groups", state.groups}}.dump();
  }
  if (checkpoint.schedule != nullptr)
    metadata["schedule"] = checkpoint.schedule->state_dict().dump();
  nlohmann::json generators = nlohmann::json::object();
  for (const auto& [name, generator] : checkpoint.generators)
    generators[name] = {{"seed", generator->seed()}, {"offset", generator->offset()}};
  metadata["generators"] = generators.dump();
  save_safetensors(path, tensors, metadata);
}

void load_checkpoint(const std::string& path, Checkpoint& checkpoint) {
  load_checkpoint_bytes(read_file(path), path, checkpoint);
}

void load_checkpoint_bytes(std::string_view bytes, const std::string& path,
                           Checkpoint& checkpoint) {
  const Safetensors file = parse_safetensors(bytes, path);
  const auto format = file.metadata.find(kFormatKey);
  if (format == file.metadata.end()) fail(path, "is a safetensors file but not a kiln checkpoint");
  if (format->second != kFormatVersion)
    fail(path, "has checkpoint format " + format->second + "; this kiln reads " + kFormatVersion);

  const nlohmann::json extra = parse_metadata(file, "extra", path);
  const nlohmann::json generators = parse_metadata(file, "generators", path);
  int64_t step = 0;
  try {
    step = std::stoll(file.metadata.at("step"));
  } catch (const std::exception&) {
    fail(path, "has no readable step");
  }

  std::map<std::string, Tensor> model_state;
  if (checkpoint.model != nullptr) {
    if (!file.metadata.contains("model")) fail(path, "holds no model");
    model_state = with_prefix(file.tensors, kModelPrefix);
    check_model(*checkpoint.model, model_state, path);
  }
  OptimizerState optimizer_state;
  if (checkpoint.optimizer != nullptr) {
    const nlohmann::json saved = parse_metadata(file, "optimizer", path);
    const std::string type = saved.value("type", "");
    if (type != checkpoint.optimizer->name())
      fail(path,
           "holds the state of a " + type + " optimizer, not " + checkpoint.optimizer->name());
    optimizer_state = {with_prefix(file.tensors, kOptimizerPrefix),
                       saved.value("groups", nlohmann::json())};
  }
  nlohmann::json schedule_state;
  if (checkpoint.schedule != nullptr) schedule_state = parse_metadata(file, "schedule", path);
  for (const auto& [name, generator] : checkpoint.generators) {
    if (!generators.contains(name) || !generators[name].contains("seed") ||
        !generators[name].contains("offset"))
      fail(path, "holds no state for the generator '" + name + "'");
  }
  for (const char* field : {"seed", "offset"})
    check_integers(generators, {"*", field}, "checkpoint '" + path + "': generators");

  try {
    if (checkpoint.model != nullptr) checkpoint.model->load_state_dict(model_state);
    if (checkpoint.optimizer != nullptr) checkpoint.optimizer->load_state_dict(optimizer_state);
    if (checkpoint.schedule != nullptr) checkpoint.schedule->load_state_dict(schedule_state);
    for (const auto& [name, generator] : checkpoint.generators) {
      generator->manual_seed(generators[name]["seed"].get<uint64_t>());
      generator->set_offset(generators[name]["offset"].get<uint64_t>());
    }
  } catch (const Error& error) {
    fail(path, error.what());
  } catch (const nlohmann::json::exception& error) {
    fail(path, error.what());
  }
  checkpoint.step = step;
  checkpoint.extra = extra;
}

}  // namespace kiln::optim
