#pragma once

// All-or-nothing loads. Loading state is split in two: a prepare step parses and checks
// everything into staged values, changing nothing (and throwing kiln::Error on the first
// problem); the Commit it returns assigns the staged values and cannot fail. A checkpoint
// prepares every part (model, optimizer, schedule, generators) before committing any, so a
// file that does not fit leaves every object as it was.
#include <functional>

namespace kiln::optim {

// Run once: it moves the staged values into place.
using Commit = std::function<void()>;

}  // namespace kiln::optim
