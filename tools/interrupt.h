#pragma once

// Ctrl-C during training: the first one asks the loop to save and stop; a second one ends the
// process at once.
#include <csignal>
#include <vector>

namespace kiln::tools {

class InterruptRequest {
 public:
  // Installs the handler for `signals` (kiln sweep adds SIGTERM); the destructor restores the
  // default ones.
  explicit InterruptRequest(std::vector<int> signals = {SIGINT});
  ~InterruptRequest();
  InterruptRequest(const InterruptRequest&) = delete;
  InterruptRequest& operator=(const InterruptRequest&) = delete;

  bool requested() const;

 private:
  std::vector<int> signals_;
};

}  // namespace kiln::tools
