#pragma once

// Loads a fixture written by bench/pytorch/make_fixtures.py and compares kiln's results with
// PyTorch's.
#include <gtest/gtest.h>

#include <string>

#include "tensor/io/safetensors.h"

namespace kiln::testing {

class Golden {
 public:
  explicit Golden(const std::string& name)
      : name_(name),
        file_(load_safetensors(std::string(KILN_FIXTURES_DIR) + "/nn/" + name + ".safetensors")) {}

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

  // |actual - expected| <= atol + rtol |expected| elementwise, naming the worst element.
  void expect_close(const Tensor& actual, const std::string& key, double rtol, double atol) const {
    const Tensor expected = (*this)[key];
    ASSERT_TRUE(actual.defined()) << name_ << ": " << key << " was not computed";
    ASSERT_EQ(actual.shape(), expected.shape()) << name_ << ": " << key;
    const std::vector<double> a = actual.to_vector<double>(), e = expected.to_vector<double>();
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      // NaN where PyTorch gives NaN, and equal infinities, agree.
      if ((std::isnan(a[i]) && std::isnan(e[i])) || a[i] == e[i]) continue;
      const double excess = std::abs(a[i] - e[i]) - (atol + rtol * std::abs(e[i]));
      if (!(excess <= worst)) {
        worst = std::isnan(excess) ? INFINITY : excess;
        at = i;
      }
    }
    EXPECT_LE(worst, 0) << name_ << ": " << key << " element " << at << " is " << a[at]
                        << ", PyTorch gives " << e[at];
  }

 private:
  std::string name_;
  Safetensors file_;
};

}  // namespace kiln::testing
