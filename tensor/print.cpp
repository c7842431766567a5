// Readable printing in PyTorch's layout, with "..." in place of the middle of long dims.
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace kiln {

namespace {

constexpr int64_t kSummarizeAbove = 1000;  // elements; larger tensors are abbreviated
constexpr int64_t kEdgeItems = 3;          // shown at each end of an abbreviated dim

// Every element as text, right-aligned to a common width. Floating tensors switch to
// scientific notation when their magnitudes span too much for four decimals.
std::vector<std::string> element_texts(const Tensor& tensor) {
  std::vector<std::string> texts;
  char buffer[64];
  if (tensor.dtype() == kBool) {
    for (bool value : tensor.to_vector<bool>()) texts.emplace_back(value ? "true" : "false");
  } else if (tensor.dtype() == kInt64) {
    for (int64_t value : tensor.to_vector<int64_t>()) texts.push_back(std::to_string(value));
  } else {
    const std::vector<double> values = tensor.to_vector<double>();
    double largest = 0, smallest = INFINITY;
    for (double value : values) {
      if (!std::isfinite(value) || value == 0) continue;
      largest = std::max(largest, std::abs(value));
      smallest = std::min(smallest, std::abs(value));
    }
    const char* format = largest >= 1e8 || smallest < 1e-4 ? "%.4e" : "%.4f";
    for (double value : values) {
      if (std::isnan(value)) {
        texts.emplace_back("nan");
      } else if (std::isinf(value)) {
        texts.emplace_back(value > 0 ? "inf" : "-inf");
      } else {
        std::snprintf(buffer, sizeof buffer, format, value);
        texts.emplace_back(buffer);
      }
    }
  }
  size_t width = 0;
  for (const std::string& text : texts) width = std::max(width, text.size());
  for (std::string& text : texts) text.insert(0, width - text.size(), ' ');
  return texts;
}

// Which indices of a dim of `extent` are shown, with -1 marking the ellipsis.
std::vector<int64_t> shown_indices(int64_t extent, bool summarize) {
  std::vector<int64_t> indices;
  if (!summarize || extent <= 2 * kEdgeItems) {
    for (int64_t i = 0; i < extent; ++i) indices.push_back(i);
    return indices;
  }
  for (int64_t i = 0; i < kEdgeItems; ++i) indices.push_back(i);
  indices.push_back(-1);
  for (int64_t i = extent - kEdgeItems; i < extent; ++i) indices.push_back(i);
  return indices;
}

void print_values(std::ostream& out, const std::vector<std::string>& texts, const Shape& shape,
                  const Strides& strides, int dim, int64_t offset, bool summarize, int indent) {
  if (dim == shape.size()) {
    out << texts[offset];
    return;
  }
  out << '[';
  const std::vector<int64_t> indices = shown_indices(shape[dim], summarize);
  const bool innermost = dim + 1 == shape.size();
  for (size_t i = 0; i < indices.size(); ++i) {
    if (i > 0) {
      out << ',';
      if (innermost)
        out << ' ';
      else
        out << std::string(shape.size() - dim - 1, '\n') << std::string(indent + 1, ' ');
    }
    if (indices[i] < 0) {
      out << "...";
      continue;
    }
    print_values(out, texts, shape, strides, dim + 1, offset + indices[i] * strides[dim], summarize,
                 indent + 1);
  }
  out << ']';
}

}  // namespace

std::string Tensor::to_string() const {
  std::ostringstream out;
  out << *this;
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Tensor& tensor) {
  if (!tensor.defined()) return out << "tensor(undefined)";
  out << "tensor(";
  print_values(out, element_texts(tensor), tensor.shape(), contiguous_strides(tensor.shape()), 0, 0,
               tensor.numel() > kSummarizeAbove, 7);
  return out << ", shape=" << tensor.shape() << ", dtype=" << tensor.dtype()
             << ", device=" << tensor.device() << ')';
}

}  // namespace kiln
