#pragma once

// The synthetic tasks of Mamba (Gu and Dao 2023, section 4.1 and appendix E.1), which test
// selective recall over long sequences: selective copying and induction heads. Each source
// ends with its queries, one per answer token, and a model answers at the queries.
#include <cstdint>
#include <vector>

#include "models/task_draws.h"

namespace kiln::models {

// The token ids the recall tasks use: `symbols` data symbols from first_symbol on, a noise
// token that carries nothing, and the query token (induction's trigger).
struct RecallVocabulary {
  int64_t first_symbol, symbols, noise, query;
};

// Selective copying (after S4's copying generator with variable=True, the setup the Mamba
// paper trains on): `length` tokens whose last data_tokens are queries; before them,
// data_tokens random symbols at random distinct positions, in order, and noise elsewhere.
// Needs length >= 2 * data_tokens.
std::vector<int64_t> selective_copy_source(Draws& draw, const RecallVocabulary& vocabulary,
                                           int64_t length, int64_t data_tokens);
// Its answer: the source's symbols in order.
std::vector<int64_t> selective_copy_answer(const std::vector<int64_t>& source,
                                           const RecallVocabulary& vocabulary);

// Induction heads (Olsson et al. 2022, as the Mamba paper sets it): `length` random symbols,
// but for the trigger at a random position p <= length - 3, a random key symbol after it,
// and the trigger again at the end, where the key is to be recalled. Needs length >= 3.
std::vector<int64_t> induction_source(Draws& draw, const RecallVocabulary& vocabulary,
                                      int64_t length);
// Its answer: the symbol after the first trigger; throws kiln::Error if the source has no
// trigger before its last token.
std::vector<int64_t> induction_answer(const std::vector<int64_t>& source,
                                      const RecallVocabulary& vocabulary);

}  // namespace kiln::models
