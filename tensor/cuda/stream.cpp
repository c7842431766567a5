#include "tensor/cuda/stream.h"

namespace kiln::cuda {

namespace {
thread_local runtime::Stream current = nullptr;
}  // namespace

Stream::Stream() : handle_(runtime::create_stream()) {}
Stream::~Stream() {
  runtime::destroy_stream(handle_);
}
void Stream::synchronize() const {
  runtime::synchronize_stream(handle_);
}

runtime::Stream current_stream() {
  return current;
}

StreamGuard::StreamGuard(const Stream& stream) : previous_(current) {
  current = stream.handle();
}
StreamGuard::~StreamGuard() {
  current = previous_;
}

Event::Event() : handle_(runtime::create_event()) {}
Event::~Event() {
  runtime::destroy_event(handle_);
}
void Event::record() {
  runtime::record_event(handle_, current);
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
