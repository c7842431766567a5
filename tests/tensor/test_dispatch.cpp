// The dispatch seam keyed by (kernel family, device) of tensor/dispatch.h: a stub calls the
// kernel registered for the device and names the family when there is none.
#include <gtest/gtest.h>

#include <string>

#include "tensor/dispatch.h"

namespace kiln {
namespace {

using ProbeKernel = int(int);
KILN_DEFINE_KERNEL(probe_kernel, ProbeKernel);

int probe_on_cpu(int x) {
  return x + 1;
}
KILN_REGISTER_KERNEL(probe_kernel, DeviceType::CPU, probe_on_cpu);

TEST(KernelStub, CallsTheKernelRegisteredForTheDevice) {
  EXPECT_TRUE(probe_kernel.has(DeviceType::CPU));
  EXPECT_EQ(probe_kernel(kCPU)(41), 42);
}

TEST(KernelStub, NamesTheFamilyWhenTheDeviceHasNoKernel) {
  EXPECT_FALSE(probe_kernel.has(DeviceType::CUDA));
  try {
    probe_kernel(cuda_device(0));
    FAIL() << "no CUDA kernel was registered";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("probe_kernel: no kernel for cuda:0"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace kiln
