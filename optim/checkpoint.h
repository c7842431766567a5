#pragma once

// Training checkpoints: model, optimizer, schedule, random generators, step and the
// caller's own values in one safetensors file, written atomically (temporary file, then
// rename), so a crash mid-save leaves the previous checkpoint whole. Tensors are named
// "model.<state_dict name>" and "optimizer.<index>.<name>"; the rest is JSON in the
// file's metadata.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nn/module.h"
#include "optim/lr_scheduler.h"
#include "optim/optimizer.h"
#include "tensor/random.h"

namespace kiln::optim {

// What to save, or where to load into; null parts are left out.
struct Checkpoint {
  nn::Module* model = nullptr;
  Optimizer* optimizer = nullptr;
  Schedule* schedule = nullptr;
  // By name; "default" is the process-wide generator behind dropout and initialisation.
  std::map<std::string, Generator*> generators = {{"default", &default_generator()}};
  int64_t step = 0;
  nlohmann::json extra = nlohmann::json::object();  // epoch, best metric, ...
};

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);

// Restores every part `checkpoint` names, and sets its step and extra. Throws kiln::Error
// naming the file and the problem when the file is not a readable kiln checkpoint or a
// part does not fit what was saved: a missing part, missing or unexpected names, shapes,
// dtypes, another kind of optimizer. The whole file is parsed and the model's tensors
// checked before anything is loaded; the optimizer then loads all or nothing, but a
// schedule state that does not fit is only found after the model and optimizer loaded.
void load_checkpoint(const std::string& path, Checkpoint& checkpoint);
// The same from the file's bytes in memory; `path` names them in messages.
void load_checkpoint_bytes(std::string_view bytes, const std::string& path, Checkpoint& checkpoint);

}  // namespace kiln::optim
