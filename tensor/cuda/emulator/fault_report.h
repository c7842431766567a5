#pragma once

// Device memory of the emulator and the report of a kernel's access outside it.
#include <cstddef>

namespace kiln::cuda::emulator {

// A device allocation is a mapping of its own whose last byte (rounded up to 16) lies just
// before an inaccessible page, with another such page before it: an access past either
// end of a buffer faults at once instead of quietly reading a neighbour.
// `device` is the emulated device the memory belongs to.
void* allocate_guarded(size_t nbytes, int device);
void free_guarded(void* data) noexcept;
// The device of the live allocation `pointer` lies inside, or -1 when it lies in none.
int device_of_pointer(const void* pointer);
inline bool is_device_pointer(const void* pointer) {
  return device_of_pointer(pointer) >= 0;
}

// Turns a segmentation fault inside a kernel into a report naming the kernel, block,
// thread and the allocation the address missed, then aborts. Idempotent.
void install_fault_report();
// Writes "kernel K, block (x,y,z), thread (x,y,z)" for the kernel thread running on this
// OS thread; false when none is.
bool describe_running_thread(char* buffer, size_t size);

}  // namespace kiln::cuda::emulator
