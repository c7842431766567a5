// Checkpoints (optim/checkpoint.h: a safetensors file whose metadata holds the optimizer's,
// the schedule's and the generators' JSON state): read into the fixture's model, optimizer and
// schedule or refused with a kiln::Error; training goes on from a checkpoint that loads.
#include "fuzz/checkpoint_fixture.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kiln::fuzz::read_or_refuse([&] {
    kiln::fuzz::CheckpointFixture fixture;
    kiln::optim::Checkpoint into = fixture.checkpoint();
    kiln::optim::load_checkpoint_bytes(kiln::fuzz::bytes_of(data, size), "fuzz", into);
    fixture.train_step();
  });
}
