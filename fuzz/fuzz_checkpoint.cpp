// Checkpoints (optim/checkpoint.h: a safetensors file whose metadata holds the optimizer's,
// the schedule's and the generators' JSON state): read into the fixture's model, optimizer and
// schedule or refused with a kiln::Error; training goes on from a checkpoint that loads.
#include "fuzz/fuzz_input.h"
#include "tensor/io/checksum.h"
#include "tensor/io/safetensors.h"
#include "tests/optim/checkpoint_training.h"

namespace {

// What the seeds were saved from (write_checkpoint_seed.cpp): no dropout, 8 hidden units.
kiln::optim::Training checkpoint_fixture() {
  return kiln::optim::Training(1, 8, false);
}

void load_and_train(std::string_view bytes) {
  kiln::fuzz::read_or_refuse([&] {
    kiln::optim::Training training = checkpoint_fixture();
    kiln::optim::Checkpoint into = training.checkpoint();
    kiln::optim::load_checkpoint_bytes(bytes, "fuzz", into);
    training.train(1);
  });
}

// A mutated tensor byte fails the checksum before any check behind it runs; the same bytes
// under an up-to-date checksum reach them, as a file edited on purpose would.
void load_with_checksum_refreshed(std::string_view bytes) {
  kiln::fuzz::read_or_refuse([&] {
    kiln::Safetensors file = kiln::parse_safetensors(bytes, "fuzz");
    auto recorded = file.metadata.find("kiln_checksum");
    if (recorded == file.metadata.end()) return;
    const std::string actual = kiln::tensors_checksum(file.tensors);
    if (recorded->second == actual) return;
    recorded->second = actual;
    load_and_train(kiln::safetensors_bytes(file.tensors, file.metadata));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = kiln::fuzz::bytes_of(data, size);
  load_and_train(bytes);
  load_with_checksum_refreshed(bytes);
  return 0;
}
