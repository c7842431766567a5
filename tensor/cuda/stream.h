#pragma once

// Streams and events of the CUDA backend. Each device has one default stream; a
// StreamGuard makes another stream current, on its device, for the ops run on this thread
// in its scope.
#include "tensor/cuda/runtime.h"

namespace kiln::cuda {

// An owned stream on the device current when it is created.
class Stream {
 public:
  Stream();
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  runtime::Stream handle() const { return handle_; }
  int device() const { return device_; }
  // Blocks until the work queued on this stream has run.
  void synchronize() const;

 private:
  int device_;
  runtime::Stream handle_;
};

// The stream ops on this thread run on, on the current device (nullptr: its default).
runtime::Stream current_stream();

class StreamGuard {
 public:
  explicit StreamGuard(const Stream& stream);
  ~StreamGuard();
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

 private:
  int device_;
  runtime::Stream previous_;
};

// A marker in a stream's work: record it, wait for it from another stream or the host,
// and time the work between two of them.
class Event {
 public:
  Event();
  ~Event();
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Records on the current stream, or on `stream`.
  void record();
  void record(const Stream& stream);
  // Later work on `stream` waits for the recorded work.
  void wait_on(const Stream& stream) const;
  void synchronize() const;
  // Milliseconds from `start` to this event; both recorded and complete.
  float elapsed_ms_since(const Event& start) const;

 private:
  runtime::Event handle_;
};

// Blocks until all work on the current device has run.
void synchronize();

}  // namespace kiln::cuda
