#include "tensor/io/npy.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <optional>

#include "tensor/creation.h"
#include "tensor/io/atomic_file.h"
#include "tensor/ops.h"

namespace kiln {

static_assert(std::endian::native == std::endian::little, "kiln reads and writes '<' arrays as is");

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

const char* descr_of(DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return "|b1";
    case DType::Int64:
      return "<i8";
    case DType::Float32:
      return "<f4";
    case DType::Float64:
      return "<f8";
  }
  return "?";
}

[[noreturn]] void corrupt(const std::string& source, const std::string& why) {
  throw Error("npy '" + source + "': " + why);
}

// The header's Python dict literal, read just far enough for the three keys numpy writes.
class HeaderReader {
 public:
  HeaderReader(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  // The text after `'key':`, or nothing.
  std::optional<std::string_view> value_of(std::string_view key) const {
    std::string quoted(1, '\'');
    quoted.append(key);
    quoted.push_back('\'');
    const size_t at = text_.find(quoted);
    if (at == std::string_view::npos) return std::nullopt;
    size_t colon = text_.find(':', at + quoted.size());
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view rest = text_.substr(colon + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return rest;
  }

  std::string descr() const {
    const auto rest = value_of("descr");
    if (!rest || rest->empty() || rest->front() != '\'')
      corrupt(source_, "no 'descr' in the header");
    const size_t close = rest->find('\'', 1);
    if (close == std::string_view::npos) corrupt(source_, "unterminated 'descr'");
    return std::string(rest->substr(1, close - 1));
  }

  bool fortran_order() const {
    const auto rest = value_of("fortran_order");
    if (rest && rest->starts_with("True")) return true;
    if (rest && rest->starts_with("False")) return false;
    corrupt(source_, "no 'fortran_order' True or False in the header");
  }

  Shape shape() const {
    const auto rest = value_of("shape");
    if (!rest || rest->empty() || rest->front() != '(')
      corrupt(source_, "no 'shape' tuple in the header");
    const size_t close = rest->find(')');
    if (close == std::string_view::npos) corrupt(source_, "unterminated 'shape' tuple");
    const std::string_view inside = rest->substr(1, close - 1);
    Shape shape;
    size_t i = 0;
    while (i < inside.size()) {
      while (i < inside.size() && (inside[i] == ' ' || inside[i] == ',')) ++i;
      if (i == inside.size()) break;
      uint64_t extent = 0;
      size_t digits = 0;
      while (i < inside.size() && std::isdigit(static_cast<unsigned char>(inside[i]))) {
        extent = extent * 10 + static_cast<uint64_t>(inside[i++] - '0');
        if (++digits > 18) corrupt(source_, "a 'shape' size is too large");
      }
      if (digits == 0)
        corrupt(source_, "'shape' " + std::string(inside) + " is not a tuple of sizes");
      if (shape.size() == kMaxDims)
        corrupt(source_, "more than " + std::to_string(kMaxDims) + " dims");
      shape.push_back(static_cast<int64_t>(extent));
    }
    return shape;
  }

 private:
  std::string_view text_;
  const std::string& source_;
};

}  // namespace

std::string npy_bytes(const Tensor& tensor) {
  const Tensor host = raw::contiguous(raw::to(tensor, kCPU));
  // numpy's spelling of a tuple: "()", "(3,)", "(3, 4)".
  std::string shape = "(";
  for (int d = 0; d < host.dim(); ++d) {
    shape += std::to_string(host.shape()[d]);
    if (host.dim() == 1) shape += ",";
    if (d + 1 < host.dim()) shape += ", ";
  }
  shape += ")";
  std::string header = "{'descr': '";
  header += descr_of(host.dtype());
  header += "', 'fortran_order': False, 'shape': ";
  header += shape;
  header += ", }";
  // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64
  // and ended by a newline.
  const size_t unpadded = kMagic.size() + 4 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  const uint16_t length = static_cast<uint16_t>(header.size());
  const char version[2] = {1, 0};
  std::string bytes;
  bytes.reserve(kMagic.size() + 4 + header.size() + host.numel() * itemsize(host.dtype()));
  bytes.append(kMagic.data(), kMagic.size());
  bytes.append(version, 2);
  bytes.append(reinterpret_cast<const char*>(&length), 2);
  bytes.append(header);
  bytes.append(static_cast<const char*>(host.data_ptr()), host.numel() * itemsize(host.dtype()));
  return bytes;
}

void save_npy(const std::string& path, const Tensor& tensor) {
  write_file_atomically(path, npy_bytes(tensor));
}

Tensor load_npy(const std::string& path) {
  return parse_npy(read_file(path), path);
}

Tensor parse_npy(std::string_view bytes, const std::string& source) {
  if (bytes.size() < kMagic.size() + 2 || bytes.substr(0, kMagic.size()) != kMagic) {
    corrupt(source, "not an .npy file (no \\x93NUMPY magic)");
  }
  const int major = static_cast<unsigned char>(bytes[kMagic.size()]);
  if (major < 1 || major > 3) corrupt(source, "unknown format version " + std::to_string(major));
  const size_t length_bytes = major == 1 ? 2 : 4;
  const size_t prefix = kMagic.size() + 2 + length_bytes;
  if (bytes.size() < prefix) corrupt(source, "truncated before the header length");
  uint32_t header_length = 0;
  std::memcpy(&header_length, bytes.data() + kMagic.size() + 2, length_bytes);
  if (header_length > bytes.size() - prefix) {
    corrupt(source, "the header length " + std::to_string(header_length) + " exceeds the " +
                        std::to_string(bytes.size() - prefix) + " bytes after it (truncated?)");
  }
  const HeaderReader header(bytes.substr(prefix, header_length), source);
  const std::string descr = header.descr();
  DType dtype = kFloat32;
  bool known = false;
  for (DType candidate : {kBool, kInt64, kFloat32, kFloat64}) {
    if (descr == descr_of(candidate) || (candidate == kBool && descr == "<b1")) {
      dtype = candidate;
      known = true;
    }
  }
  if (!known) corrupt(source, "dtype '" + descr + "' is not one kiln reads (<f4, <f8, <i8, |b1)");
  const bool fortran = header.fortran_order();
  const Shape shape = header.shape();
  uint64_t nbytes = itemsize(dtype);
  // The byte strides' bound, even when a size is 0: kernels multiply a stride by a size.
  uint64_t nonzero_bytes = itemsize(dtype);
  for (int64_t extent : shape) {
    if (__builtin_mul_overflow(nbytes, static_cast<uint64_t>(extent), &nbytes) ||
        __builtin_mul_overflow(nonzero_bytes, std::max<uint64_t>(extent, 1), &nonzero_bytes) ||
        nonzero_bytes > (uint64_t{1} << 62)) {
      corrupt(source, "the shape is too large");
    }
  }
  const std::string_view data = bytes.substr(prefix + header_length);
  if (data.size() != nbytes) {
    corrupt(source, "holds " + std::to_string(data.size()) + " data bytes; dtype '" + descr +
                        "' and the shape need " + std::to_string(nbytes));
  }
  // Fortran order is C order of the reversed shape, transposed back.
  Shape stored = shape;
  if (fortran) std::reverse(stored.begin(), stored.end());
  Tensor tensor = make_tensor(stored, dtype, kCPU);
  std::memcpy(tensor.data_ptr(), data.data(), nbytes);
  if (dtype == kBool) {
    const auto* flags = static_cast<const unsigned char*>(tensor.data_ptr());
    for (uint64_t i = 0; i < nbytes; ++i) {
      if (flags[i] > 1) corrupt(source, "a bool element is neither 0 nor 1");
    }
  }
  if (!fortran || tensor.dim() < 2) return tensor;
  Dims reversed;
  for (int d = tensor.dim() - 1; d >= 0; --d) reversed.push_back(d);
  return raw::contiguous(raw::permute(tensor, reversed));
}

}  // namespace kiln
