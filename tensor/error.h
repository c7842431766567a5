#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace kiln {

// Every user mistake (bad shape, dtype, device, index, file) surfaces as this type. The
// message starts with the op's name and names the offending shapes or values.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
}  // namespace detail

}  // namespace kiln

// Throws kiln::Error with the remaining arguments streamed into the message.
#define KILN_CHECK(condition, ...)                              \
  do {                                                          \
    if (!(condition)) [[unlikely]] {                            \
      throw ::kiln::Error(::kiln::detail::concat(__VA_ARGS__)); \
    }                                                           \
  } while (0)
