// kiln: train, evaluate and sample the reference models on synthetic tasks, the TSP and time
// series, run the forecasting benchmark, report runs and sweep hyperparameters, check the op
// registry, write the PyTorch coverage table, run the classic TSP baselines, and report the
// build. Errors are one line on stderr and a non-zero status.
#include "tools/command_line.h"

int main(int argc, char** argv) {
  return kiln::tools::KilnCommandLine().main(argc, argv);
}
