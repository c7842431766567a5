#include "tensor/cuda/stream.h"

#include <vector>

#include "tensor/cuda/caching_allocator.h"

namespace kiln::cuda {

namespace {

// This thread's current stream of `device` (nullptr: the default stream).
runtime::Stream& current_of(int device) {
  static thread_local std::vector<runtime::Stream> streams;
  if (static_cast<int>(streams.size()) <= device) streams.resize(device + 1, nullptr);
  return streams[device];
}

}  // namespace

Stream::Stream() : device_(runtime::current_device()), handle_(runtime::create_stream()) {}

Stream::~Stream() {
  // Blocks the allocator keeps for this stream go to the default stream once the stream's
  // work is done, so that a stream created later at the same address cannot inherit them.
  try {
    runtime::synchronize_stream(handle_);
  } catch (...) {  // a destructor must not throw; the blocks are released regardless
  }
  caching_allocator::forget_stream(handle_);
  runtime::destroy_stream(handle_);
}
void Stream::synchronize() const {
  runtime::synchronize_stream(handle_);
}

runtime::Stream current_stream() {
  return current_of(runtime::current_device());
}

StreamGuard::StreamGuard(const Stream& stream)
    : device_(stream.device()), previous_(current_of(device_)) {
  current_of(device_) = stream.handle();
}
StreamGuard::~StreamGuard() {
  current_of(device_) = previous_;
}

Event::Event() : handle_(runtime::create_event()) {}
Event::~Event() {
  runtime::destroy_event(handle_);
}
void Event::record() {
  runtime::record_event(handle_, current_stream());
}
void Event::record(const Stream& stream) {
  runtime::record_event(handle_, stream.handle());
}
void Event::wait_on(const Stream& stream) const {
  runtime::stream_wait_event(stream.handle(), handle_);
}
void Event::synchronize() const {
  runtime::synchronize_event(handle_);
}
float Event::elapsed_ms_since(const Event& start) const {
  return runtime::elapsed_ms(start.handle_, handle_);
}

void synchronize() {
  runtime::synchronize_device();
}

}  // namespace kiln::cuda
