#pragma once

// The dispatch seam keyed by (kernel family, device), as ../shared/DESIGN.md draws it: a
// family's front end declares its kernel's signature and stub once, in its family header
// (tensor/ops_<family>.h), and each device's kernel source registers itself there. Adding
// a family touches no central list: neither Backend nor the backends' headers.
//
//   // tensor/ops_toy.h
//   using ToyKernel = void(const Tensor& out, const Tensor& in);
//   KILN_DECLARE_KERNEL(toy_kernel, ToyKernel);
//   // tensor/ops_toy.cpp (front end)
//   KILN_DEFINE_KERNEL(toy_kernel, ToyKernel);
//   ... toy_kernel(x.device())(out, contiguous(x));
//   // tensor/cpu/toy.cpp
//   KILN_REGISTER_KERNEL(toy_kernel, DeviceType::CPU, toy_cpu);
#include <array>

#include "tensor/device.h"
#include "tensor/error.h"

namespace kiln {

template <typename Fn>
class KernelStub {
 public:
  explicit constexpr KernelStub(const char* name) : name_(name) {}

  // The kernel for `device`; throws kiln::Error naming the family when it has none there.
  Fn& operator()(Device device) const {
    Fn* kernel = kernels_[static_cast<int>(device.type)];
    KILN_CHECK(kernel != nullptr, name_, ": no kernel for ", device,
               " (this build or this device type has none)");
    return *kernel;
  }
  bool has(DeviceType type) const { return kernels_[static_cast<int>(type)] != nullptr; }
  // Called once per device by KILN_REGISTER_KERNEL, while the library loads.
  bool set(DeviceType type, Fn* kernel) {
    kernels_[static_cast<int>(type)] = kernel;
    return true;
  }

 private:
  const char* name_;
  std::array<Fn*, kDeviceTypeCount> kernels_{};
};

// constinit: the stub is ready before any registration runs, whatever the order in which
// the library's sources initialise.
#define KILN_DECLARE_KERNEL(stub, Signature) extern ::kiln::KernelStub<Signature> stub
#define KILN_DEFINE_KERNEL(stub, Signature) constinit ::kiln::KernelStub<Signature> stub(#stub)
#define KILN_REGISTER_KERNEL(stub, device_type, kernel) \
  [[maybe_unused]] static const bool stub##_registered = (stub).set(device_type, &(kernel))

}  // namespace kiln
