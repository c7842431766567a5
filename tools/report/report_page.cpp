#include "tools/report/report_page.h"

#include <map>
#include <sstream>

#include "tensor/error.h"
#include "tensor/io/atomic_file.h"
#include "tools/report/benchmark_section.h"
#include "tools/report/comparison_section.h"
#include "tools/report/markup.h"
#include "tools/report/page_style.h"
#include "tools/report/run_section.h"
#include "tools/report/sweep_section.h"

namespace kiln::tools::report {

namespace {

// Run sections start open on a page of at most this many runs, collapsed on a longer one.
constexpr size_t kOpenRunsAtMost = 4;

struct Page {
  std::vector<std::string> sections;  // benchmark and sweep sections, in input order
  std::vector<RunData> runs;
};

void add_sweep(const std::filesystem::path& directory, Page& page) {
  const std::optional<sweep::SweepJournal> journal = sweep::read_sweep_journal(directory);
  const size_t first = page.runs.size();
  for (const std::filesystem::path& trial : sweep_trial_runs(directory, *journal))
    page.runs.push_back(read_run(trial));
  std::vector<const RunData*> trials;
  for (size_t r = first; r < page.runs.size(); ++r) trials.push_back(&page.runs[r]);
  page.sections.push_back(sweep_section_html(directory, *journal, trials));
}

std::vector<nlohmann::json> read_results(const std::vector<std::filesystem::path>& cells) {
  std::vector<nlohmann::json> results;
  for (const std::filesystem::path& cell : cells) results.push_back(read_run(cell).results);
  return results;
}

void add_input(const std::filesystem::path& input, Page& page) {
  if (is_sweep_directory(input)) return add_sweep(input, page);
  if (is_benchmark_directory(input)) {
    const std::vector<std::filesystem::path> cells = benchmark_cells(input);
    page.sections.push_back(benchmark_section_html(input, read_results(cells)));
    for (const std::filesystem::path& cell : cells) page.runs.push_back(read_run(cell));
    return;
  }
  KILN_CHECK(is_run_directory(input), "kiln report: '", input.string(),
             "' is not a run directory (metrics.csv), a sweep (sweep.json) or a forecasting "
             "benchmark (results.csv)");
  page.runs.push_back(read_run(input));
}

// Runs named alike (dlinear-96 of ETTh1 and of ETTh2) are told apart by their parent folder.
void name_apart(std::vector<RunData>& runs) {
  std::map<std::string, int> count;
  for (const RunData& run : runs) ++count[run.name];
  for (RunData& run : runs)
    if (count[run.name] > 1)
      run.name =
          std::filesystem::weakly_canonical(run.directory).parent_path().filename().string() + "/" +
          run.name;
}

std::string anchor_of(size_t index) {
  return "run-" + std::to_string(index + 1);
}

std::string comparisons_html(const std::vector<RunData>& runs) {
  std::map<std::string, std::vector<size_t>> by_kind;
  for (size_t r = 0; r < runs.size(); ++r) by_kind[runs[r].kind].push_back(r);
  std::string html;
  for (const auto& [kind, indices] : by_kind) {
    if (indices.size() < 2) continue;
    std::vector<const RunData*> group;
    std::vector<std::string> anchors;
    for (const size_t r : indices) {
      group.push_back(&runs[r]);
      anchors.push_back(anchor_of(r));
    }
    html += comparison_section_html(group, anchors);
  }
  return html;
}

std::string navigation_html(const std::vector<RunData>& runs) {
  if (runs.size() < 2) return "";
  std::string html = "<nav>";
  for (size_t r = 0; r < runs.size(); ++r)
    html += "<a href=\"#" + anchor_of(r) + "\">" + escaped(runs[r].name) + "</a>";
  return html + "</nav>\n";
}

}  // namespace

std::string report_html(const std::vector<std::filesystem::path>& inputs,
                        const std::string& title) {
  KILN_CHECK(!inputs.empty(), "kiln report: no run directories given");
  Page page;
  for (const std::filesystem::path& input : inputs) add_input(input, page);
  name_apart(page.runs);
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
       << escaped(title) << "</title>\n<style>" << kPageStyle << "</style>\n</head>\n<body>\n"
       << "<header><h1>" << escaped(title) << "</h1><p>" << page.runs.size() << " run"
       << (page.runs.size() == 1 ? "" : "s") << ", drawn by kiln report.</p></header>\n"
       << navigation_html(page.runs) << "<main>\n";
  for (const std::string& section : page.sections) html << section;
  html << comparisons_html(page.runs);
  for (size_t r = 0; r < page.runs.size(); ++r)
    html << run_section_html(page.runs[r], anchor_of(r), page.runs.size() <= kOpenRunsAtMost);
  html << "</main>\n</body>\n</html>\n";
  return html.str();
}

void write_report(const std::vector<std::filesystem::path>& inputs, const std::string& title,
                  const std::filesystem::path& out) {
  write_file_atomically(out.string(), report_html(inputs, title));
}

}  // namespace kiln::tools::report
