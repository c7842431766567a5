#pragma once

// Training checkpoints: model, optimizer, schedule, random generators, step and the
// caller's own values in one safetensors file, written atomically (temporary file, then
// rename), so a crash mid-save leaves the previous checkpoint whole. Tensors are named
// "model.<state_dict name>" and "optimizer.<index>.<name>"; the rest is JSON in the
// file's metadata, with "kiln_checksum", the tensors' checksum (tensor/io/checksum.h). It
// covers the tensors only: the JSON state may be edited by hand, and is validated on load.
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

// Restores every part `checkpoint` names, and sets its step and extra, all or nothing:
// every part is parsed and checked before any is assigned (optim/commit.h), so on failure
// every object is as it was. Throws kiln::Error naming the file and the problem when the
// file is not a readable kiln checkpoint, its tensors do not match its checksum ("checksum
// mismatch"; files written before checkpoints had one load unchecked), or a part does not
// fit: a missing part, missing or unexpected names, shapes, dtypes, another kind of
// optimizer or schedule, options the optimizer's constructor would refuse, generator states
// that are not non-negative integers.
void load_checkpoint(const std::string& path, Checkpoint& checkpoint);
// The same from the file's bytes in memory; `path` names them in messages.
void load_checkpoint_bytes(std::string_view bytes, const std::string& path, Checkpoint& checkpoint);

}  // namespace kiln::optim
