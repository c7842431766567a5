// Writes the seed of fuzz_checkpoint's corpus: its fixture's checkpoint after three steps.
// Usage: write_checkpoint_seed FILE
#include <cstdio>

#include "fuzz/checkpoint_fixture.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  kiln::fuzz::CheckpointFixture fixture;
  for (int k = 0; k < 3; ++k) fixture.train_step();
  kiln::optim::save_checkpoint(argv[1], fixture.checkpoint());
  return 0;
}
