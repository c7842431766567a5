#include "tools/sweep/sweep_table.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "tools/sweep/search_space.h"

namespace kiln::tools::sweep {

namespace {

std::string state_name(TrialState state) {
  return nlohmann::json(state).get<std::string>();
}

std::string number_text(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}

// A value as the table shows it: floats to four significant digits.
std::string value_cell(const nlohmann::json& value) {
  return value.is_number_float() ? number_text(value.get<double>(), 4) : argument_text(value);
}

std::string metric_cell(const TrialRecord& trial) {
  const std::optional<double> metric = latest_metric(trial);
  return metric ? number_text(*metric, 6) : "-";
}

int64_t epochs_reached(const TrialRecord& trial) {
  return trial.rungs.empty() ? 0 : trial.rungs.back().epochs;
}

std::string epochs_cell(const Asha& asha, const TrialRecord& trial) {
  const std::string reached = std::to_string(epochs_reached(trial));
  const size_t rung = asha.rungs_reached(trial);
  if (trial.state == TrialState::Running && rung < asha.budgets().size())
    return reached + "->" + std::to_string(asha.budgets()[rung]);
  return trial.state == TrialState::Pending ? "-" : reached;
}

std::string plural(int64_t count, const std::string& word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

std::string options_text(const TrialRecord& trial) {
  std::string text;
  for (const auto& [name, value] : trial.parameters.items())
    text += (text.empty() ? "" : " ") + name + " " + value_cell(value);
  return text;
}

// Aligned columns, two spaces apart; the last one unpadded.
std::vector<std::string> aligned(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::vector<std::string> lines;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c)
      line +=
          c + 1 < row.size() ? row[c] + std::string(widths[c] - row[c].size() + 2, ' ') : row[c];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

bool plain_shell_word(const std::string& word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  });
}

std::string shell_quoted(const std::string& word) {
  if (plain_shell_word(word)) return word;
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Fields joined by commas, each quoted where it holds a comma, a quote or a line break.
std::string csv_row(const std::vector<std::string>& fields) {
  std::string row;
  for (const std::string& field : fields) {
    if (!row.empty()) row += ',';
    if (field.find_first_of(",\"\n") == std::string::npos) {
      row += field;
      continue;
    }
    row += '"';
    for (const char c : field) row.append(c == '"' ? 2 : 1, c);
    row += '"';
  }
  return row + "\n";
}

// The terminal's rows and columns; nothing sensible when `out` is not one.
winsize terminal_size(std::FILE* out) {
  winsize size{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &size) != 0 || size.ws_row == 0) size = {24, 80, 0, 0};
  return size;
}

// What fits in `rows` table rows: every trial, else the running ones and the best of the
// others, in id order.
std::vector<const TrialRecord*> visible_trials(const SweepJournal& journal, size_t rows) {
  std::vector<const TrialRecord*> shown;
  for (const TrialRecord& trial : journal.trials)
    if (trial.state == TrialState::Running && shown.size() < rows) shown.push_back(&trial);
  for (const TrialRecord* trial : ranked_trials(journal))
    if (trial->state != TrialState::Running && shown.size() < rows) shown.push_back(trial);
  std::sort(shown.begin(), shown.end(),
            [](const TrialRecord* a, const TrialRecord* b) { return a->id < b->id; });
  return shown;
}

}  // namespace

std::vector<const TrialRecord*> ranked_trials(const SweepJournal& journal) {
  std::vector<const TrialRecord*> ranked;
  for (const TrialRecord& trial : journal.trials) ranked.push_back(&trial);
  const auto key = [&](const TrialRecord* trial) {
    const std::optional<double> metric = latest_metric(*trial);
    if (!metric || !std::isfinite(*metric)) return HUGE_VAL;
    return journal.lower_is_better ? *metric : -*metric;
  };
  std::stable_sort(ranked.begin(), ranked.end(), [&](const TrialRecord* a, const TrialRecord* b) {
    return key(a) != key(b) ? key(a) < key(b) : a->id < b->id;
  });
  return ranked;
}

std::vector<std::string> trial_table(const SweepSpec& spec, const Asha& asha,
                                     std::span<const TrialRecord* const> trials) {
  std::vector<std::vector<std::string>> rows(1, {"trial"});
  for (const Parameter& parameter : spec.parameters) rows[0].push_back(parameter.name);
  rows[0].insert(rows[0].end(), {"state", "epochs", spec.metric, "reason"});
  for (const TrialRecord* trial : trials) {
    std::vector<std::string> row = {std::to_string(trial->id)};
    for (const Parameter& parameter : spec.parameters)
      row.push_back(trial->parameters.contains(parameter.name)
                        ? value_cell(trial->parameters.at(parameter.name))
                        : "-");
    row.insert(row.end(), {state_name(trial->state), epochs_cell(asha, *trial), metric_cell(*trial),
                           trial->reason});
    rows.push_back(std::move(row));
  }
  return aligned(rows);
}

std::string state_counts(const SweepSpec& spec, const SweepJournal& journal) {
  std::map<TrialState, int64_t> counts;
  for (const TrialRecord& trial : journal.trials) ++counts[trial.state];
  std::string text;
  for (const TrialState state : {TrialState::Running, TrialState::Paused, TrialState::Finished,
                                 TrialState::Stopped, TrialState::Failed, TrialState::Pending})
    if (counts[state] > 0)
      text += (text.empty() ? "" : ", ") + std::to_string(counts[state]) + " " + state_name(state);
  return "sweep " + spec.name + ": " + text;
}

std::string trial_event(const SweepJournal& journal, const Asha& asha, const TrialRecord& trial) {
  const std::string head = "trial " + std::to_string(trial.id) + " ";
  const std::string at = " at " + plural(epochs_reached(trial), "epoch") + ": " + journal.metric +
                         " " + metric_cell(trial);
  const std::string reason = trial.reason.empty() ? "" : " (" + trial.reason + ")";
  switch (trial.state) {
    case TrialState::Pending:
      return head + "pending";
    case TrialState::Running: {
      const size_t rung = std::min(asha.rungs_reached(trial), asha.budgets().size() - 1);
      return head + "running to " + plural(asha.budgets()[rung], "epoch") + ": " +
             options_text(trial);
    }
    case TrialState::Failed:
      return head + "failed" + reason;
    default:
      return head + state_name(trial.state) + at + reason;
  }
}

std::string reproducing_command(const TrialRecord& trial, int64_t epochs) {
  std::string command = "kiln";
  for (const std::string& argument : trial.arguments)
    command.append(" ").append(shell_quoted(argument));
  return command + " --epochs " + std::to_string(epochs);
}

std::string results_csv(const SweepSpec& spec, const SweepJournal& journal) {
  std::vector<std::string> header = {"trial", "directory"};
  for (const Parameter& parameter : spec.parameters) header.push_back(parameter.name);
  header.insert(header.end(), {"state", "epochs", journal.metric, "seconds", "reason"});
  std::string csv = csv_row(header);
  for (const TrialRecord& trial : journal.trials) {
    std::vector<std::string> row = {std::to_string(trial.id), trial.directory};
    for (const Parameter& parameter : spec.parameters)
      row.push_back(trial.parameters.contains(parameter.name)
                        ? argument_text(trial.parameters.at(parameter.name))
                        : "");
    const std::optional<double> metric = latest_metric(trial);
    row.insert(row.end(),
               {state_name(trial.state), std::to_string(epochs_reached(trial)),
                metric ? argument_text(*metric) : "", number_text(trial.seconds, 4), trial.reason});
    csv += csv_row(row);
  }
  return csv;
}

LiveTable::LiveTable(std::FILE* out, const SweepSpec& spec, const Asha& asha)
    : out_(out), spec_(spec), asha_(asha), interactive_(::isatty(::fileno(out)) == 1) {}

void LiveTable::changed(const SweepJournal& journal, const TrialRecord& trial) {
  if (interactive_) {
    draw(journal);
  } else {
    std::fprintf(out_, "%s\n", trial_event(journal, asha_, trial).c_str());
  }
  std::fflush(out_);
}

void LiveTable::message(const std::string& line) {
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
  drawn_lines_ = 0;
}

void LiveTable::draw(const SweepJournal& journal) {
  const winsize size = terminal_size(out_);
  // The summary line, the header, and a line saying how many rows were left out.
  const size_t rows = std::max<size_t>(size.ws_row, 6) - 4;
  const std::vector<const TrialRecord*> shown = visible_trials(journal, rows);
  std::vector<std::string> lines = {state_counts(spec_, journal)};
  for (std::string& line : trial_table(spec_, asha_, shown)) lines.push_back(std::move(line));
  if (shown.size() < journal.trials.size())
    lines.push_back(
        plural(static_cast<int64_t>(journal.trials.size() - shown.size()), "more trial") +
        " not shown");
  if (drawn_lines_ > 0) std::fprintf(out_, "\x1b[%zuA\r\x1b[J", drawn_lines_);
  for (const std::string& line : lines)
    std::fprintf(out_, "%s\n", line.substr(0, std::max<size_t>(size.ws_col, 2) - 1).c_str());
  drawn_lines_ = lines.size();
}

}  // namespace kiln::tools::sweep
