#include "tensor/io/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>
#include <tuple>
#include <vector>

#include "tensor/creation.h"
#include "tensor/io/atomic_file.h"
#include "tensor/ops.h"

namespace kiln {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; kiln copies it as is");

const char* safetensors_dtype_code(DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return "BOOL";
    case DType::Int64:
      return "I64";
    case DType::Float32:
      return "F32";
    case DType::Float64:
      return "F64";
  }
  return "?";
}

namespace {

// The safetensors reference implementation refuses headers above 100 MB.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

bool parse_dtype(const std::string& code, DType* dtype) {
  for (DType candidate : {kBool, kInt64, kFloat32, kFloat64}) {
    if (code == safetensors_dtype_code(candidate)) {
      *dtype = candidate;
      return true;
    }
  }
  return false;
}

// A header value for an error message. Only flat values are printed: serialising an
// untrusted, deeply nested value would recurse as deep as the nesting.
std::string describe(const nlohmann::json& value) {
  if (value.is_primitive()) return value.dump();
  if (value.is_array() && value.size() <= 16 &&
      std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_primitive(); })) {
    return value.dump();
  }
  return std::string("a JSON ") + value.type_name();
}

[[noreturn]] void corrupt(const std::string& source, const std::string& why) {
  throw Error("safetensors '" + source + "': " + why);
}

}  // namespace

std::string safetensors_bytes(const std::map<std::string, Tensor>& tensors,
                              const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<Tensor> contents;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    KILN_CHECK(!name.empty() && name != "__metadata__", "save_safetensors: invalid tensor name '",
               name, "'");
    KILN_CHECK(tensor.defined(), "save_safetensors: tensor '", name, "' is undefined");
    const Tensor host = raw::contiguous(raw::to(tensor, kCPU));
    const uint64_t nbytes = static_cast<uint64_t>(host.numel()) * itemsize(host.dtype());
    std::vector<int64_t> shape(host.shape().begin(), host.shape().end());
    header[name] = {{"dtype", safetensors_dtype_code(host.dtype())},
                    {"shape", shape},
                    {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
    contents.push_back(host);
  }
  std::string text = header.dump();
  // Pad with spaces so that the data starts 8-byte aligned, as the reference writer does.
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string bytes(8, '\0');
  const uint64_t length = text.size();
  std::memcpy(bytes.data(), &length, 8);
  bytes += text;
  bytes.reserve(bytes.size() + offset);
  for (const Tensor& host : contents) {
    bytes.append(static_cast<const char*>(host.data_ptr()), host.numel() * itemsize(host.dtype()));
  }
  return bytes;
}

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  write_file_atomically(path, safetensors_bytes(tensors, metadata));
}

Safetensors load_safetensors(const std::string& path) {
  return parse_safetensors(read_file(path), path);
}

Safetensors parse_safetensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8) {
    corrupt(source, "the file has " + std::to_string(bytes.size()) +
                        " bytes, fewer than the 8 of the header length (truncated?)");
  }
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  if (header_length > bytes.size() - 8) {
    corrupt(source, "the header length " + std::to_string(header_length) + " exceeds the " +
                        std::to_string(bytes.size() - 8) + " bytes after it (truncated?)");
  }
  if (header_length > kMaxHeaderBytes) {
    corrupt(source, "the header length " + std::to_string(header_length) + " exceeds 100 MB");
  }
  const nlohmann::json header =
      nlohmann::json::parse(bytes.substr(8, header_length), nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) corrupt(source, "the header is not a JSON object");
  const std::string_view data = bytes.substr(8 + header_length);

  Safetensors result;
  std::vector<std::tuple<uint64_t, uint64_t, std::string>> extents;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) corrupt(source, "__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string())
          corrupt(source, "__metadata__ value of '" + key + "' is not a string");
        result.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "': ";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets")) {
      corrupt(source, where + "needs dtype, shape and data_offsets");
    }
    const nlohmann::json& code = entry["dtype"];
    DType dtype = kFloat32;
    if (!code.is_string() || !parse_dtype(code.get<std::string>(), &dtype)) {
      corrupt(source,
              where + "dtype " + describe(code) + " is not one kiln reads (F32, F64, I64, BOOL)");
    }
    const nlohmann::json& dims = entry["shape"];
    if (!dims.is_array() || dims.size() > static_cast<size_t>(kMaxDims)) {
      corrupt(source, where + "shape " + describe(dims) + " is not a list of at most " +
                          std::to_string(kMaxDims) + " sizes");
    }
    Shape shape;
    uint64_t nbytes = itemsize(dtype);
    // Strides are products of sizes, and kernels multiply a byte stride by a size: even beside
    // a zero size, the other sizes' product in bytes must fit in int64.
    uint64_t nonzero_bytes = itemsize(dtype);
    for (const nlohmann::json& size : dims) {
      if (!size.is_number_unsigned()) {
        corrupt(source, where + "shape " + describe(dims) + " is invalid");
      }
      const uint64_t extent = size.get<uint64_t>();
      if (extent > (uint64_t{1} << 62) || __builtin_mul_overflow(nbytes, extent, &nbytes) ||
          __builtin_mul_overflow(nonzero_bytes, std::max<uint64_t>(extent, 1), &nonzero_bytes) ||
          nonzero_bytes > (uint64_t{1} << 62)) {
        corrupt(source, where + "shape " + describe(dims) + " is too large");
      }
      shape.push_back(static_cast<int64_t>(extent));
    }
    const nlohmann::json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      corrupt(source, where + "data_offsets " + describe(offsets) + " is not [begin, end]");
    }
    const uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    if (begin > end || end > data.size()) {
      corrupt(source, where + "data_offsets [" + std::to_string(begin) + ", " +
                          std::to_string(end) + "] fall outside the " +
                          std::to_string(data.size()) + " data bytes");
    }
    if (end - begin != nbytes) {
      corrupt(source, where + "holds " + std::to_string(end - begin) + " bytes but dtype " +
                          code.get<std::string>() + " and shape " + describe(dims) + " need " +
                          std::to_string(nbytes));
    }
    Tensor tensor = make_tensor(shape, dtype, kCPU);
    std::memcpy(tensor.data_ptr(), data.data() + begin, nbytes);
    if (dtype == kBool) {
      const auto* flags = static_cast<const unsigned char*>(tensor.data_ptr());
      if (std::any_of(flags, flags + nbytes, [](unsigned char b) { return b > 1; })) {
        corrupt(source, where + "a BOOL element is neither 0 nor 1");
      }
    }
    result.tensors.emplace(name, std::move(tensor));
    extents.emplace_back(begin, end, name);
  }
  // The data must be exactly the tensors' bytes, laid end to end.
  std::sort(extents.begin(), extents.end());
  uint64_t covered = 0;
  for (const auto& [begin, end, name] : extents) {
    if (begin != covered) {
      corrupt(source, "tensor '" + name + "' starts at byte " + std::to_string(begin) +
                          (begin < covered ? ", overlapping the tensor before it"
                                           : ", leaving a hole after the tensor before it"));
    }
    covered = end;
  }
  if (covered != data.size()) {
    corrupt(source, "the tensors cover " + std::to_string(covered) + " of the " +
                        std::to_string(data.size()) + " data bytes");
  }
  return result;
}

}  // namespace kiln
