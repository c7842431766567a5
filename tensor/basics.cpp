// Names and printing of the small value types: DType, Device, Scalar.
#include <ostream>
#include <string>

#include "tensor/device.h"
#include "tensor/dtype.h"
#include "tensor/error.h"
#include "tensor/scalar.h"

namespace kiln {

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return "bool";
    case DType::Int64:
      return "int64";
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& out, DType dtype) {
  return out << dtype_name(dtype);
}

Device Device::parse(std::string_view text) {
  if (text == "cpu") return kCPU;
  if (text == "cuda") return cuda_device(0);
  if (text.starts_with("cuda:")) {
    const std::string_view number = text.substr(5);
    int index = 0;
    bool valid = !number.empty() && number.size() < 6;
    for (char c : number) {
      valid = valid && c >= '0' && c <= '9';
      index = index * 10 + (c - '0');
    }
    if (valid) return cuda_device(index);
  }
  throw Error(detail::concat("device: cannot parse '", text, "' (expected cpu, cuda or cuda:N)"));
}

std::string Device::str() const {
  return is_cpu() ? "cpu" : "cuda:" + std::to_string(index);
}

std::ostream& operator<<(std::ostream& out, const Device& device) {
  return out << device.str();
}

std::ostream& operator<<(std::ostream& out, const Scalar& value) {
  switch (value.kind()) {
    case DType::Bool:
      return out << (value.to<bool>() ? "true" : "false");
    case DType::Int64:
      return out << value.to<int64_t>();
    default:
      return out << value.to<double>();
  }
}

}  // namespace kiln
