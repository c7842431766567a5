#include "tools/interrupt.h"

#include <atomic>
#include <csignal>

namespace kiln::tools {

namespace {

std::atomic<bool> interrupted = false;

void on_interrupt(int) {
  interrupted = true;
  std::signal(SIGINT, SIG_DFL);
}

}  // namespace

InterruptRequest::InterruptRequest() {
  interrupted = false;
  std::signal(SIGINT, on_interrupt);
}

InterruptRequest::~InterruptRequest() {
  std::signal(SIGINT, SIG_DFL);
}

bool InterruptRequest::requested() const {
  return interrupted;
}

}  // namespace kiln::tools
