#pragma once

// What the train, eval and sample commands share: where a run keeps its files, the device
// and thread setup, and rebuilding a trained model from its checkpoint.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tensor/device.h"
#include "tools/commands.h"
#include "tools/sequence_model.h"

namespace kiln::tools {

inline constexpr const char* kCheckpointFile = "checkpoint.safetensors";
inline constexpr const char* kMetricsFile = "metrics.csv";

// Parses the device and checks that it exists ("cuda:1" on a machine with one GPU is an
// error naming what there is); applies a positive thread count.
Device setup_device(const std::string& device, int threads);

// Makes DIR ready for a training run: created if missing, checked writable by writing a file
// into it (a read-only or full file system is a kiln::Error "cannot write to 'DIR': ..." before
// any training), and cleared of the temporary files writes killed mid-way left.
void prepare_run_directory(const std::filesystem::path& directory);

// Whether a training loop about to take the step after `step` stops there, told to by
// --stop-at-step or --stop-at-epoch (0: not told).
bool stop_requested(int64_t stop_at_step, int64_t stop_at_epoch, int64_t step,
                    int64_t steps_per_epoch);

// The checkpoint a command reads: --checkpoint FILE, else DIR/checkpoint.safetensors.
std::string checkpoint_path(const RunLocation& run);

// The "extra" JSON a training checkpoint holds (model config, training settings, progress).
nlohmann::json read_checkpoint_extra(const std::string& path);
// The same from the extra entry's text, as read from the checkpoint at `path`.
nlohmann::json parse_checkpoint_extra(std::string_view text, const std::string& path);

// The model a training checkpoint holds, weights loaded, in eval mode on `device`.
std::unique_ptr<SequenceModel> load_trained_model(const std::string& path, Device device);

}  // namespace kiln::tools
