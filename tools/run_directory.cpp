#include "tools/run_directory.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "optim/checkpoint.h"
#include "tensor/cuda/cuda.h"
#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/json_input.h"
#include "tensor/io/safetensors.h"
#include "tensor/parallel.h"

namespace kiln::tools {

namespace {

// Writes a few bytes to disk in `directory` and removes them; the errno of the system's refusal
// (no permission, a read-only or full file system), or 0. Named as a temporary, so a probe a
// kill left is cleared with the others.
int write_refused(const std::filesystem::path& directory) {
  std::string probe = (directory / ".kiln-write-probe.tmp.XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) return errno;
  const bool written = ::write(fd, "kiln\n", 5) == 5 && ::fsync(fd) == 0;
  const int refusal = written ? 0 : errno;
  ::close(fd);
  ::unlink(probe.c_str());
  return refusal;
}

}  // namespace

Device setup_device(const std::string& text, int threads) {
  const Device device = Device::parse(text);
  if (device.is_cuda()) {
    const int count = cuda::device_count();
    KILN_CHECK(device.index < count, "device '", text, "' does not exist: kiln found ", count,
               " CUDA device", count == 1 ? "" : "s",
               count == 0 ? " (no GPU, no driver, or a build without CUDA)" : "");
  }
  KILN_CHECK(threads >= 0, "--threads must be positive, got ", threads);
  if (threads > 0) set_num_threads(threads);
  return device;
}

void prepare_run_directory(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  KILN_CHECK(!error, "cannot create the run directory '", directory.string(),
             "': ", error.message());
  const int refusal = write_refused(directory);
  KILN_CHECK(refusal == 0, "cannot write to '", directory.string(), "': ", std::strerror(refusal));
  remove_stale_temporaries(directory.string());
}

bool stop_requested(int64_t stop_at_step, int64_t stop_at_epoch, int64_t step,
                    int64_t steps_per_epoch) {
  return (stop_at_step > 0 && step == stop_at_step) ||
         (stop_at_epoch > 0 && step == stop_at_epoch * steps_per_epoch);
}

std::string checkpoint_path(const RunLocation& run) {
  KILN_CHECK(!run.checkpoint.empty() || !run.out.empty(),
             "say which run: --out DIR (a directory kiln train wrote) or --checkpoint FILE");
  const std::string path = run.checkpoint.empty()
                               ? (std::filesystem::path(run.out) / kCheckpointFile).string()
                               : run.checkpoint;
  KILN_CHECK(std::filesystem::exists(path), "no checkpoint at '", path, "'",
             run.checkpoint.empty() ? "; has kiln train written to this --out directory?" : "");
  return path;
}

nlohmann::json read_checkpoint_extra(const std::string& path) {
  const Safetensors file = load_safetensors(path);
  const auto extra = file.metadata.find("extra");
  KILN_CHECK(extra != file.metadata.end(), "'", path, "' is not a kiln training checkpoint");
  return parse_checkpoint_extra(extra->second, path);
}

nlohmann::json parse_checkpoint_extra(std::string_view text, const std::string& path) {
  try {
    nlohmann::json json = nlohmann::json::parse(text, json_depth_limit("'" + path + "'"));
    KILN_CHECK(json.contains("config"), "'", path,
               "' holds no model config; was it written by kiln train?");
    return json;
  } catch (const nlohmann::json::exception& error) {
    throw Error("'" + path + "': unreadable training state: " + error.what());
  }
}

std::unique_ptr<SequenceModel> load_trained_model(const std::string& path, Device device) {
  const nlohmann::json extra = read_checkpoint_extra(path);
  auto model = std::make_unique<SequenceModel>(extra.at("config"));
  optim::Checkpoint checkpoint{.model = &model->module(), .generators = {}};
  optim::load_checkpoint(path, checkpoint);
  model->module().to(device);
  model->module().eval();
  return model;
}

}  // namespace kiln::tools
