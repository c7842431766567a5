// examples.json (tools/run_examples.h): read or refused with a kiln::Error, and examples that
// read are drawn by kiln report without error.
#include "fuzz/fuzz_input.h"
#include "tools/report/task_figures.h"
#include "tools/run_examples.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kiln::tools;
  report::RunData run;
  try {
    run.examples = parse_run_examples(kiln::fuzz::bytes_of(data, size), "fuzz");
  } catch (const kiln::Error&) {
    return 0;
  }
  report::task_figures_html(run);
  return 0;
}
