#include "tensor/storage.h"

#include "tensor/backend.h"

namespace kiln {

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  data_ = backend(device.type).allocate(nbytes, device.index);
}

Storage::~Storage() {
  backend(device_.type).deallocate(data_, nbytes_);
}

}  // namespace kiln
