// run.json (tools/run_record.h): read or refused with a kiln::Error, and a record that reads
// is drawn by kiln report (its run section and the comparison table) without error.
#include "fuzz/fuzz_input.h"
#include "tools/report/comparison_section.h"
#include "tools/report/run_section.h"
#include "tools/run_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kiln::tools;
  nlohmann::json record;
  try {
    record = parse_run_record(kiln::fuzz::bytes_of(data, size), "fuzz");
  } catch (const kiln::Error&) {
    return 0;
  }
  // As report::read_run takes the kind.
  const report::RunData run{.directory = "fuzz",
                            .name = "fuzz",
                            .kind = record["kind"].get<std::string>(),
                            .record = record};
  report::run_section_html(run, "fuzz", true);
  report::comparison_section_html({&run, &run}, {"a", "b"});
  return 0;
}
