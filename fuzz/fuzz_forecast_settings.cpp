// The settings a kiln train forecast checkpoint keeps in its extra JSON, as a resumed run or
// kiln eval forecast reads them (tools/run_directory.h, tools/forecast_training_run.h): the
// entry's text read, then the settings in it, or refused with a kiln::Error.
#include "fuzz/fuzz_input.h"
#include "tools/forecast_training_run.h"
#include "tools/run_directory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kiln::fuzz::read_or_refuse([&] {
    const nlohmann::json extra =
        kiln::tools::parse_checkpoint_extra(kiln::fuzz::bytes_of(data, size), "fuzz");
    kiln::tools::saved_forecast_settings(extra, "fuzz");
  });
}
