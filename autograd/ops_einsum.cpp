// einsum as permutes, reshapes, sums and one batched matmul per pair of operands, so the
// recorded ops give its gradient and the contraction runs at GEMM speed.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "autograd/functions.h"

namespace kiln {

namespace {

// A label is an int: letters in ASCII order (A-Z, then a-z), then the dims an ellipsis
// stands for, right-aligned so that they broadcast as NumPy's do.
using Label = int;
constexpr Label kFirstEllipsisLabel = 52;

struct Term {
  Tensor value;
  std::vector<Label> labels;  // one per dim of value
};

Label letter_label(char c, const std::string& equation) {
  KILN_CHECK(std::isalpha(static_cast<unsigned char>(c)), "einsum: '", c,
             "' is not a letter or '...' in \"", equation, "\"");
  return std::isupper(static_cast<unsigned char>(c)) ? c - 'A' : 26 + (c - 'a');
}

// The labels of one operand's subscript; an ellipsis covers the dims the letters leave.
std::vector<Label> parse_subscript(const std::string& subscript, int rank, int ellipsis_rank,
                                   const std::string& equation) {
  std::vector<Label> labels;
  const size_t dots = subscript.find("...");
  const int letters = static_cast<int>(subscript.size()) - (dots == std::string::npos ? 0 : 3);
  KILN_CHECK(dots == std::string::npos ? letters == rank : letters <= rank, "einsum: subscript \"",
             subscript, "\" does not fit an operand of ", rank, " dims in \"", equation, "\"");
  for (size_t i = 0; i < subscript.size(); ++i) {
    if (i == dots) {
      for (int k = ellipsis_rank - (rank - letters); k < ellipsis_rank; ++k) {
        labels.push_back(kFirstEllipsisLabel + k);
      }
      i += 2;
      continue;
    }
    labels.push_back(letter_label(subscript[i], equation));
  }
  return labels;
}

// The labels of the explicit output (after "->"): an ellipsis stands for all its dims.
std::vector<Label> parse_output(const std::string& subscript, int ellipsis_rank,
                                const std::string& equation) {
  std::vector<Label> labels;
  for (size_t i = 0; i < subscript.size(); ++i) {
    if (subscript.compare(i, 3, "...") == 0) {
      for (int k = 0; k < ellipsis_rank; ++k) labels.push_back(kFirstEllipsisLabel + k);
      i += 2;
    } else {
      labels.push_back(letter_label(subscript[i], equation));
    }
  }
  return labels;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == separator) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

// The implicit output: the ellipsis dims, then the letters used once, in ASCII order.
std::vector<Label> implicit_output(const std::vector<Term>& terms) {
  std::map<Label, int> uses;
  for (const Term& term : terms) {
    for (Label label : term.labels) ++uses[label];
  }
  std::vector<Label> out;
  for (const auto& [label, count] : uses) {
    if (label >= kFirstEllipsisLabel) out.push_back(label);
  }
  for (const auto& [label, count] : uses) {
    if (label < kFirstEllipsisLabel && count == 1) out.push_back(label);
  }
  return out;
}

bool contains(const std::vector<Label>& labels, Label label) {
  return std::find(labels.begin(), labels.end(), label) != labels.end();
}

// Sums the dims whose labels `keep` rejects.
Term sum_out(Term term, const std::function<bool(Label)>& keep) {
  Dims dims;
  std::vector<Label> kept;
  for (size_t i = 0; i < term.labels.size(); ++i) {
    if (keep(term.labels[i])) {
      kept.push_back(term.labels[i]);
    } else {
      dims.push_back(static_cast<int64_t>(i));
    }
  }
  if (dims.empty()) return term;
  return {term.value.sum(dims), kept};
}

// The term's dims in the order of `labels`, expanded to `sizes`, merged into groups.
Tensor arrange(const Term& term, const std::vector<std::vector<Label>>& groups,
               const std::map<Label, int64_t>& sizes) {
  Dims order;
  Shape expanded, merged;
  for (const auto& group : groups) {
    int64_t product = 1;
    for (Label label : group) {
      const auto at = std::find(term.labels.begin(), term.labels.end(), label);
      order.push_back(at - term.labels.begin());
      expanded.push_back(sizes.at(label));
      product *= sizes.at(label);
    }
    merged.push_back(product);
  }
  return term.value.permute(order).expand(expanded).reshape(merged);
}

// a and b contracted over the labels they share that `later` does not need.
Term contract(const Term& a, const Term& b, const std::vector<Label>& later,
              const std::map<Label, int64_t>& sizes) {
  const auto needed = [&](const Term& other) {
    return [&](Label label) { return contains(other.labels, label) || contains(later, label); };
  };
  const Term left_term = sum_out(a, needed(b)), right_term = sum_out(b, needed(a));
  std::vector<Label> batch, summed, left, right;
  for (Label label : left_term.labels) {
    if (!contains(right_term.labels, label)) {
      left.push_back(label);
    } else {
      (contains(later, label) ? batch : summed).push_back(label);
    }
  }
  for (Label label : right_term.labels) {
    if (!contains(left_term.labels, label)) right.push_back(label);
  }
  const Tensor product = arrange(left_term, {batch, left, summed}, sizes)
                             .matmul(arrange(right_term, {batch, summed, right}, sizes));
  Shape shape;
  std::vector<Label> labels;
  for (const auto* group : {&batch, &left, &right}) {
    for (Label label : *group) {
      shape.push_back(sizes.at(label));
      labels.push_back(label);
    }
  }
  return {product.reshape(shape), labels};
}

// Each label's size: equal in every operand, or 1 there (broadcast).
std::map<Label, int64_t> label_sizes(const std::vector<Term>& terms, const std::string& equation) {
  std::map<Label, int64_t> sizes;
  for (const Term& term : terms) {
    std::set<Label> seen;
    for (size_t i = 0; i < term.labels.size(); ++i) {
      const Label label = term.labels[i];
      KILN_CHECK(seen.insert(label).second, "einsum: a label repeated within one operand (a ",
                 "diagonal) is not supported, in \"", equation, "\"");
      const int64_t size = term.value.size(static_cast<int>(i));
      auto [at, fresh] = sizes.emplace(label, size);
      if (fresh || at->second == size || size == 1) continue;
      KILN_CHECK(at->second == 1, "einsum: a label has sizes ", at->second, " and ", size, " in \"",
                 equation, "\"");
      at->second = size;
    }
  }
  return sizes;
}

}  // namespace

Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands) {
  std::string compact;
  for (char c : equation) {
    if (c != ' ') compact += c;
  }
  const size_t arrow = compact.find("->");
  const std::vector<std::string> subscripts = split(compact.substr(0, arrow), ',');
  KILN_CHECK(subscripts.size() == operands.size(), "einsum: \"", equation, "\" has ",
             subscripts.size(), " operand subscripts for ", operands.size(), " operands");
  int ellipsis_rank = 0;
  for (size_t i = 0; i < operands.size(); ++i) {
    const int letters = static_cast<int>(subscripts[i].size()) - 3;
    if (subscripts[i].find("...") != std::string::npos) {
      ellipsis_rank = std::max(ellipsis_rank, operands[i].dim() - letters);
    }
  }
  std::vector<Term> terms;
  for (size_t i = 0; i < operands.size(); ++i) {
    terms.push_back(
        {operands[i], parse_subscript(subscripts[i], operands[i].dim(), ellipsis_rank, equation)});
  }
  const std::map<Label, int64_t> sizes = label_sizes(terms, equation);
  std::vector<Label> output = implicit_output(terms);
  if (arrow != std::string::npos) {
    output = parse_output(compact.substr(arrow + 2), ellipsis_rank, equation);
  }
  std::set<Label> distinct(output.begin(), output.end());
  KILN_CHECK(distinct.size() == output.size(), "einsum: an output label repeats in \"", equation,
             "\"");
  for (Label label : output) {
    KILN_CHECK(sizes.contains(label), "einsum: an output label is in no operand, in \"", equation,
               "\"");
  }
  Term result = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) {
    std::vector<Label> later = output;
    for (size_t j = i + 1; j < terms.size(); ++j) {
      later.insert(later.end(), terms[j].labels.begin(), terms[j].labels.end());
    }
    result = contract(result, terms[i], later, sizes);
  }
  result = sum_out(result, [&](Label label) { return contains(output, label); });
  Dims order;
  for (Label label : output) {
    order.push_back(std::find(result.labels.begin(), result.labels.end(), label) -
                    result.labels.begin());
  }
  Shape shape;
  for (Label label : output) shape.push_back(sizes.at(label));
  return result.value.permute(order).expand(shape);
}

}  // namespace kiln
