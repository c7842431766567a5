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

struct Formatter {
  DType dtype;
  bool scientific = false;
  int width = 0;

  std::string format(double value) const {
    char buffer[64];
    if (dtype == kBool) return value != 0 ? "true" : "false";
    if (dtype == kInt64) {
      std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(value));
    } else if (std::isnan(value) || std::isinf(value)) {
      return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
    } else {
      std::snprintf(buffer, sizeof buffer, scientific ? "%.4e" : "%.4f", value);
    }
    return buffer;
  }
};

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

void print_values(std::ostream& out, const std::vector<double>& values, const Shape& shape,
                  const Strides& strides, int dim, int64_t offset, const Formatter& formatter,
                  bool summarize, int indent) {
  if (dim == shape.size()) {
    const std::string text = formatter.format(values[offset]);
    out << std::string(formatter.width - std::min<int>(formatter.width, text.size()), ' ') << text;
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
    print_values(out, values, shape, strides, dim + 1, offset + indices[i] * strides[dim],
                 formatter, summarize, indent + 1);
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
  const std::vector<double> values = tensor.to_vector<double>();
  const bool summarize = tensor.numel() > kSummarizeAbove;
  Formatter formatter{tensor.dtype()};
  double largest = 0;
  double smallest = INFINITY;
  for (double value : values) {
    if (!std::isfinite(value) || value == 0) continue;
    largest = std::max(largest, std::abs(value));
    smallest = std::min(smallest, std::abs(value));
  }
  formatter.scientific = is_floating(tensor.dtype()) && (largest >= 1e8 || smallest < 1e-4);
  for (double value : values) {
    formatter.width = std::max<int>(formatter.width, formatter.format(value).size());
  }
  out << "tensor(";
  print_values(out, values, tensor.shape(), contiguous_strides(tensor.shape()), 0, 0, formatter,
               summarize, 7);
  return out << ", shape=" << tensor.shape() << ", dtype=" << tensor.dtype()
             << ", device=" << tensor.device() << ')';
}

}  // namespace kiln
