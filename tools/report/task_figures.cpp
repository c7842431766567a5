#include "tools/report/task_figures.h"

#include <algorithm>
#include <sstream>

#include "tensor/creation.h"
#include "tools/report/markup.h"
#include "tools/report/svg_chart.h"
#include "tools/tsp_svg.h"

namespace kiln::tools::report {

namespace {

// Channels drawn: every window the run wrote of its first channels (the target first).
constexpr size_t kForecastChannels = 2;

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>" + svg + "<figcaption>" + escaped(caption) + "</figcaption></figure>\n";
}

// The look-back at steps -L+1 .. 0, the horizon at 1 .. H; the prediction starts from the
// last observed value so the two lines meet. Colours as Time-Series-Library's visual():
// ground truth first, prediction second.
LineChart forecast_chart(const ForecastExample& example) {
  const auto lookback = static_cast<double>(example.lookback.size());
  Series truth{.name = "ground truth"}, prediction{.name = "prediction"};
  for (size_t t = 0; t < example.lookback.size(); ++t) {
    truth.x.push_back(static_cast<double>(t) - lookback + 1);
    truth.y.push_back(example.lookback[t]);
  }
  if (!example.lookback.empty()) {
    prediction.x.push_back(0);
    prediction.y.push_back(example.lookback.back());
  }
  for (size_t t = 0; t < example.truth.size(); ++t) {
    truth.x.push_back(static_cast<double>(t) + 1);
    truth.y.push_back(example.truth[t]);
  }
  for (size_t t = 0; t < example.prediction.size(); ++t) {
    prediction.x.push_back(static_cast<double>(t) + 1);
    prediction.y.push_back(example.prediction[t]);
  }
  return {.title = "Test window " + std::to_string(example.window) + ", " + example.channel,
          .x = {.label = "time step (0: last observed)"},
          .y = {.label = example.channel + " (standardised)"},
          .series = {truth, prediction},
          .bands = {{.low = 1 - lookback, .high = 0, .label = "look-back"}}};
}

std::string forecast_figures(const std::vector<ForecastExample>& examples) {
  std::vector<std::string> channels;
  for (const ForecastExample& example : examples)
    if (std::find(channels.begin(), channels.end(), example.channel) == channels.end())
      channels.push_back(example.channel);
  channels.resize(std::min(channels.size(), kForecastChannels));
  std::string html;
  for (const std::string& channel : channels)
    for (const ForecastExample& example : examples)
      if (example.channel == channel)
        html += "<figure>" + line_chart_svg(forecast_chart(example)) + "</figure>\n";
  return html;
}

std::string tour_figure(const std::vector<TspExample>& examples) {
  const size_t sets = examples.front().tours.size();
  const auto count = static_cast<int64_t>(examples.size());
  const auto n = static_cast<int64_t>(examples.front().points.size());
  std::vector<double> xy;
  std::vector<std::vector<int64_t>> tours(sets);
  std::vector<std::vector<double>> lengths(sets);
  for (const TspExample& example : examples) {
    if (example.points.size() != static_cast<size_t>(n) || example.tours.size() != sets) return "";
    for (const auto& point : example.points) xy.insert(xy.end(), point.begin(), point.end());
    for (size_t s = 0; s < sets; ++s) {
      if (example.tours[s].tour.size() != static_cast<size_t>(n)) return "";
      tours[s].insert(tours[s].end(), example.tours[s].tour.begin(), example.tours[s].tour.end());
      lengths[s].push_back(example.tours[s].length);
    }
  }
  std::vector<TourSet> tour_sets;
  for (size_t s = 0; s < sets; ++s)
    tour_sets.push_back({.name = examples.front().tours[s].name,
                         .tours = from_vector(tours[s], {count, n}),
                         .lengths = from_vector(lengths[s], {count})});
  return figure(tours_svg(from_vector(xy, {count, n, 2}), tour_sets),
                "Validation instances: the model's tour beside the best baseline's, with lengths.");
}

std::string tokens_html(const std::vector<int64_t>& tokens, const std::vector<int64_t>* truth) {
  std::ostringstream html;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const bool wrong = truth && (i >= truth->size() || (*truth)[i] != tokens[i]);
    html << (i ? " " : "") << (wrong ? "<span class=\"wrong\">" : "") << tokens[i]
         << (wrong ? "</span>" : "");
  }
  return html.str();
}

std::string sequence_table(const std::vector<SequenceExample>& examples) {
  std::ostringstream html;
  html << "<table class=\"sequences\">\n<thead><tr><th>input</th><th>target</th>"
          "<th>prediction (errors marked)</th></tr></thead>\n<tbody>\n";
  for (const SequenceExample& example : examples)
    html << "<tr><td>" << tokens_html(example.input, nullptr) << "</td><td>"
         << tokens_html(example.target, nullptr) << "</td><td>"
         << tokens_html(example.prediction, &example.target) << "</td></tr>\n";
  html << "</tbody>\n</table>\n";
  return html.str();
}

}  // namespace

std::string task_figures_html(const RunData& run) {
  if (!run.examples) return "";
  const RunExamples& examples = *run.examples;
  std::string html;
  if (!examples.forecasts.empty())
    html +=
        "<p class=\"note\">Test windows: the forecast against the truth, the look-back the "
        "model saw shaded.</p>\n<div class=\"figures\">\n" +
        forecast_figures(examples.forecasts) + "</div>\n";
  if (!examples.tours.empty() && !examples.tours.front().tours.empty())
    html += tour_figure(examples.tours);
  if (!examples.sequences.empty()) html += sequence_table(examples.sequences);
  if (html.empty()) return "";
  return "<h3>Examples after epoch " + std::to_string(examples.epoch) + "</h3>\n" + html;
}

}  // namespace kiln::tools::report
