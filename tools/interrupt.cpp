#include "tools/interrupt.h"

#include <atomic>
#include <utility>

namespace kiln::tools {

namespace {

std::atomic<bool> interrupted = false;

void on_interrupt(int signal) {
  interrupted = true;
  std::signal(signal, SIG_DFL);
}

}  // namespace

InterruptRequest::InterruptRequest(std::vector<int> signals) : signals_(std::move(signals)) {
  interrupted = false;
  for (const int signal : signals_) std::signal(signal, on_interrupt);
}

InterruptRequest::~InterruptRequest() {
  for (const int signal : signals_) std::signal(signal, SIG_DFL);
}

bool InterruptRequest::requested() const {
  return interrupted;
}

}  // namespace kiln::tools
