// Sweep specs (tools/sweep/sweep_spec.h) as kiln sweep starts from one: the spec parsed, its
// trials drawn, ASHA's rungs laid out and the trials' arguments checked against kiln's parser;
// each step completes or refuses the spec with a kiln::Error.
#include <algorithm>

#include "fuzz/fuzz_input.h"
#include "tools/command_line.h"
#include "tools/sweep/asha.h"
#include "tools/sweep/search_space.h"
#include "tools/sweep/sweep_spec.h"

namespace {

// Checking a trial parses a command line; the first few trials stand for a large grid's.
constexpr size_t kTrialsChecked = 8;

void start_sweep(std::string_view text) {
  using namespace kiln::tools;
  const sweep::SweepSpec spec = sweep::parse_sweep_spec_text(text, "fuzz");
  std::vector<nlohmann::json> trials = sweep::trial_configurations(spec);
  trials.resize(std::min(trials.size(), kTrialsChecked));
  sweep::check_trial_arguments(spec, trials, check_kiln_arguments);
  const sweep::Asha asha(sweep::asha_settings(spec));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kiln::fuzz::read_or_refuse([&] { start_sweep(kiln::fuzz::bytes_of(data, size)); });
}
