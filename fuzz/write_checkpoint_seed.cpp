// Writes the seed of fuzz_checkpoint's corpus: its training's checkpoint after three steps.
// Usage: write_checkpoint_seed FILE
#include <cstdio>

#include "tests/optim/checkpoint_training.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  kiln::optim::Training training(1, 8, false);
  training.train(3);
  kiln::optim::save_checkpoint(argv[1], training.checkpoint());
  return 0;
}
