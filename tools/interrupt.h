#pragma once

// Ctrl-C during training: the first one asks the loop to save and stop; a second one ends the
// process at once.
namespace kiln::tools {

class InterruptRequest {
 public:
  // Installs the handler; the destructor restores the default one.
  InterruptRequest();
  ~InterruptRequest();
  InterruptRequest(const InterruptRequest&) = delete;
  InterruptRequest& operator=(const InterruptRequest&) = delete;

  bool requested() const;
};

}  // namespace kiln::tools
