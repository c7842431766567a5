#include "models/recall_tasks.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "tensor/error.h"

namespace kiln::models {

namespace {

int64_t symbol(Draws& draw, const RecallVocabulary& vocabulary) {
  return vocabulary.first_symbol + draw.between(0, vocabulary.symbols - 1);
}

bool is_symbol(int64_t token, const RecallVocabulary& vocabulary) {
  return token >= vocabulary.first_symbol && token < vocabulary.first_symbol + vocabulary.symbols;
}

// `count` distinct positions in [0, range), uniformly, in increasing order: Floyd's
// algorithm (Bentley and Floyd 1987, "A sample of brilliance"), `count` draws whatever the
// range.
std::set<int64_t> distinct_positions(Draws& draw, int64_t count, int64_t range) {
  std::set<int64_t> chosen;
  for (int64_t j = range - count; j < range; ++j) {
    const int64_t t = draw.between(0, j);
    chosen.insert(chosen.contains(t) ? j : t);
  }
  return chosen;
}

}  // namespace

std::vector<int64_t> selective_copy_source(Draws& draw, const RecallVocabulary& vocabulary,
                                           int64_t length, int64_t data_tokens) {
  const int64_t data_region = length - data_tokens;
  std::vector<int64_t> source(static_cast<size_t>(data_region), vocabulary.noise);
  for (int64_t position : distinct_positions(draw, data_tokens, data_region))
    source[static_cast<size_t>(position)] = symbol(draw, vocabulary);
  source.resize(static_cast<size_t>(length), vocabulary.query);
  return source;
}

std::vector<int64_t> selective_copy_answer(const std::vector<int64_t>& source,
                                           const RecallVocabulary& vocabulary) {
  std::vector<int64_t> symbols;
  std::copy_if(source.begin(), source.end(), std::back_inserter(symbols),
               [&](int64_t token) { return is_symbol(token, vocabulary); });
  return symbols;
}

std::vector<int64_t> induction_source(Draws& draw, const RecallVocabulary& vocabulary,
                                      int64_t length) {
  std::vector<int64_t> source;
  source.reserve(static_cast<size_t>(length));
  for (int64_t i = 0; i < length - 1; ++i) source.push_back(symbol(draw, vocabulary));
  source[static_cast<size_t>(draw.between(0, length - 3))] = vocabulary.query;
  source.push_back(vocabulary.query);
  return source;
}

std::vector<int64_t> induction_answer(const std::vector<int64_t>& source,
                                      const RecallVocabulary& vocabulary) {
  const auto trigger = std::find(source.begin(), source.end(), vocabulary.query);
  KILN_CHECK(source.size() >= 2 && trigger < source.end() - 2,
             "induction: a source needs a trigger followed by its key before the final trigger");
  return {*(trigger + 1)};
}

}  // namespace kiln::models
