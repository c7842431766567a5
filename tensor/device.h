#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace kiln {

enum class DeviceType : uint8_t { CPU, CUDA };
inline constexpr int kDeviceTypeCount = 2;

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  // Parses "cpu", "cuda" or "cuda:N"; throws kiln::Error on anything else.
  static Device parse(std::string_view text);

  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  std::string str() const;
  friend bool operator==(const Device&, const Device&) = default;
};

inline constexpr Device kCPU{};
inline constexpr Device cuda_device(int index = 0) {
  return Device{DeviceType::CUDA, index};
}

std::ostream& operator<<(std::ostream& out, const Device& device);

}  // namespace kiln
