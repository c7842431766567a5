#pragma once

// Loads a fixture written by bench/pytorch/make_fixtures.py and compares kiln's results with
// PyTorch's.
#include <gtest/gtest.h>

#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/io/safetensors.h"

namespace kiln::testing {

class Golden {
 public:
  // tests/fixtures/<dir>/<name>.safetensors
  explicit Golden(const std::string& name, const std::string& dir = "nn")
      : name_(name),
        file_(load_safetensors(std::string(KILN_FIXTURES_DIR) + "/" + dir + "/" + name +
                               ".safetensors")) {}

  bool has(const std::string& key) const { return file_.tensors.contains(key); }
  Tensor operator[](const std::string& key) const {
    const auto found = file_.tensors.find(key);
    if (found == file_.tensors.end()) {
      ADD_FAILURE() << name_ << ": no tensor '" << key << "' in the fixture";
      return {};
    }
    return found->second;
  }
  // Every tensor whose key starts with prefix, keyed by the rest ("param." -> state dict).
  std::map<std::string, Tensor> with_prefix(const std::string& prefix) const {
    std::map<std::string, Tensor> out;
    for (const auto& [key, value] : file_.tensors) {
      if (key.starts_with(prefix)) out[key.substr(prefix.size())] = value;
    }
    return out;
  }

  struct Comparison {
    bool passed;
    std::string message;
  };
  // |actual - expected| <= atol + rtol |expected| elementwise (NaN where the expected value is
  // NaN, and equal infinities, agree); the message names the worst element.
  static Comparison compare(const Tensor& actual, const Tensor& expected, double rtol,
                            double atol) {
    if (!actual.defined()) return {false, "not computed"};
    if (actual.shape() != expected.shape()) {
      std::ostringstream why;
      why << "shape " << actual.shape() << ", expected " << expected.shape();
      return {false, why.str()};
    }
    const std::vector<double> a = actual.to_vector<double>(), e = expected.to_vector<double>();
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      if ((std::isnan(a[i]) && std::isnan(e[i])) || a[i] == e[i]) continue;
      const double excess = std::abs(a[i] - e[i]) - (atol + rtol * std::abs(e[i]));
      if (!(excess <= worst)) {
        worst = std::isnan(excess) ? INFINITY : excess;
        at = i;
      }
    }
    if (worst <= 0) return {true, ""};
    std::ostringstream why;
    why << std::setprecision(17) << "element " << at << " is " << a[at] << ", expected " << e[at];
    return {false, why.str()};
  }

  void expect_close(const Tensor& actual, const std::string& key, double rtol, double atol) const {
    const Comparison result = compare(actual, (*this)[key], rtol, atol);
    EXPECT_TRUE(result.passed) << name_ << ": " << key << " " << result.message;
  }

 private:
  std::string name_;
  Safetensors file_;
};

}  // namespace kiln::testing
