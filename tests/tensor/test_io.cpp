// safetensors and .npy: files written by PyTorch and NumPy read here, files written here
// checked by bench/pytorch/make_fixtures.py, round trips, and every way a file can lie.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include "autograd/functions.h"
#include "tensor/creation.h"
#include "tensor/io/atomic_file.h"
#include "tensor/io/npy.h"
#include "tensor/io/safetensors.h"
#include "tensor/testing.h"

namespace kiln {
namespace {

using testing::error_of;
using testing::expect_values;

const std::string kFixtures = std::string(KILN_FIXTURES_DIR) + "/io/";

// The tensors make_fixtures.py writes (its io_tensors()).
std::map<std::string, Tensor> io_tensors() {
  return {{"f32", arange(0, 6, 1, {.dtype = kFloat32}).view({2, 3}) / 4},
          {"f64", tensor({1.5, -2.25, 1e-300}, TensorOptions{.dtype = kFloat64})},
          {"i64", from_vector(std::vector<int64_t>{-(int64_t{1} << 62), 7}, {1, 2})},
          {"bool", tensor({true, false, true})},
          {"scalar", full({}, 3.5)},
          {"empty", zeros({0, 3})}};
}

void expect_same_tensor(const Tensor& actual, const Tensor& expected, const std::string& name) {
  EXPECT_EQ(actual.dtype(), expected.dtype()) << name;
  EXPECT_EQ(actual.shape(), expected.shape()) << name;
  if (actual.shape() == expected.shape()) {
    EXPECT_TRUE(all(eq(actual, expected)).item<bool>()) << name;
  }
}

TEST(Safetensors, ReadsWhatPyTorchWrote) {
  const Safetensors file = load_safetensors(kFixtures + "from_torch.safetensors");
  const auto expected = io_tensors();
  ASSERT_EQ(file.tensors.size(), expected.size());
  for (const auto& [name, tensor] : expected)
    expect_same_tensor(file.tensors.at(name), tensor, name);
  EXPECT_EQ(file.metadata.at("producer"), "torch");
}

// make_fixtures.py checked these files with safetensors and NumPy; kiln must still write
// them byte for byte. KILN_UPDATE_FIXTURES=1 rewrites them (then rerun the script).
TEST(Safetensors, WritesTheFilesTheFixtureScriptChecked) {
  const std::string bytes = safetensors_bytes(io_tensors());
  const std::string npy = npy_bytes(io_tensors().at("f32"));
  if (std::getenv("KILN_UPDATE_FIXTURES") != nullptr) {
    write_file_atomically(kFixtures + "from_kiln.safetensors", bytes);
    write_file_atomically(kFixtures + "from_kiln_f32.npy", npy);
  }
  EXPECT_EQ(bytes, read_file(kFixtures + "from_kiln.safetensors"));
  EXPECT_EQ(npy, read_file(kFixtures + "from_kiln_f32.npy"));
}

TEST(Safetensors, RoundTripsThroughAFile) {
  const std::string path = ::testing::TempDir() + "kiln_round_trip.safetensors";
  const Tensor strided = arange(0, 12, 1, {.dtype = kFloat64}).view({3, 4}).t();
  save_safetensors(path, {{"w", strided}, {"b", ones({4})}}, {{"step", "7"}});
  const Safetensors file = load_safetensors(path);
  expect_same_tensor(file.tensors.at("w"), strided.contiguous(), "w");
  expect_same_tensor(file.tensors.at("b"), ones({4}), "b");
  EXPECT_EQ(file.metadata.at("step"), "7");
  std::filesystem::remove(path);
}

TEST(Safetensors, EveryTruncationIsAnError) {
  const std::string bytes = read_file(kFixtures + "from_torch.safetensors");
  for (size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_THROW(parse_safetensors(std::string_view(bytes).substr(0, size)), Error) << size;
  }
}

std::string with_header(const std::string& json, size_t data_bytes) {
  std::string bytes(8, '\0');
  const uint64_t length = json.size();
  std::memcpy(bytes.data(), &length, 8);
  return bytes + json + std::string(data_bytes, '\0');
}

TEST(Safetensors, HeadersThatLieAreErrors) {
  struct Case {
    const char* why;
    std::string bytes;
    const char* message;
  };
  const std::string f32 = R"("dtype":"F32","shape":[2])";
  const Case cases[] = {
      {"length past the end", std::string("\xff\x00\x00\x00\x00\x00\x00\x00{}", 10), "exceeds"},
      {"not JSON", with_header("{\"a\":", 0), "not a JSON object"},
      {"offsets past the data", with_header("{\"a\":{" + f32 + R"(,"data_offsets":[0,16]}})", 8),
       "fall outside"},
      {"size mismatch", with_header("{\"a\":{" + f32 + R"(,"data_offsets":[0,4]}})", 4), "need 8"},
      {"overlap",
       with_header("{\"a\":{" + f32 + R"(,"data_offsets":[0,8]},"b":{)" + f32 +
                       R"(,"data_offsets":[4,12]}})",
                   12),
       "overlapping"},
      {"hole", with_header("{\"a\":{" + f32 + R"(,"data_offsets":[4,12]}})", 12), "hole"},
      {"trailing bytes", with_header("{\"a\":{" + f32 + R"(,"data_offsets":[0,8]}})", 9),
       "cover 8 of the 9"},
      {"unknown dtype", with_header(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4),
       "not one kiln reads"},
      {"negative size",
       with_header(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,0]}})", 0), "invalid"},
      {"huge shape",
       with_header(R"({"a":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,0]}})",
                   0),
       "too large"},
      {"bool byte 2",
       with_header(R"({"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}})", 0) + "\x02",
       "neither 0 nor 1"},
      {"metadata not strings", with_header(R"({"__metadata__":{"a":1}})", 0), "not a string"},
      {"zero size beside huge sizes",
       with_header(
           R"({"a":{"dtype":"F32","shape":[0,4611686018427387904,4],"data_offsets":[0,0]}})", 0),
       "too large"},
      // Sizes whose product fits in int64 but not in bytes (found by fuzz_npy, in .npy).
      {"zero size beside sizes too large in bytes",
       with_header(R"({"a":{"dtype":"F64","shape":[0,1152921504606846976],"data_offsets":[0,0]}})",
                   0),
       "too large"},
      {"deeply nested dtype",
       with_header("{\"a\":{\"dtype\":" + std::string(200000, '[') + std::string(200000, ']') +
                       R"(,"shape":[],"data_offsets":[0,0]}})",
                   0),
       "a JSON array"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of([&] { parse_safetensors(c.bytes, "case"); });
    EXPECT_NE(message.find(c.message), std::string::npos) << c.why << ": " << message;
    EXPECT_NE(message.find("safetensors 'case'"), std::string::npos) << c.why << ": " << message;
  }
}

// Flipping bytes of the header gives an error or (when the JSON stays valid and consistent)
// a file; never a crash or an out-of-bounds read (the asan preset runs this too).
TEST(Safetensors, HeaderByteFlipsNeverCrash) {
  const std::string original = read_file(kFixtures + "from_torch.safetensors");
  uint64_t header_length = 0;
  std::memcpy(&header_length, original.data(), 8);
  std::mt19937 random(5);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes = original;
    const size_t at = random() % (8 + header_length);
    bytes[at] = static_cast<char>(bytes[at] ^ (1 + random() % 255));
    try {
      parse_safetensors(bytes);
    } catch (const Error&) {
    }
  }
}

TEST(Npy, ReadsWhatNumpyWrote) {
  for (const auto& [name, expected] : io_tensors()) {
    expect_same_tensor(load_npy(kFixtures + "from_numpy_" + name + ".npy"), expected, name);
  }
  const Tensor fortran = load_npy(kFixtures + "from_numpy_fortran.npy");
  EXPECT_EQ(fortran.shape(), Shape({2, 3}));
  expect_values(fortran, {0, 1, 2, 3, 4, 5});
}

TEST(Npy, RoundTripsEveryDtype) {
  const std::string path = ::testing::TempDir() + "kiln_round_trip.npy";
  for (const auto& [name, tensor] : io_tensors()) {
    save_npy(path, tensor);
    expect_same_tensor(load_npy(path), tensor, name);
  }
  std::filesystem::remove(path);
}

TEST(Npy, TruncatedOrMalformedFilesAreErrors) {
  const std::string bytes = read_file(kFixtures + "from_numpy_f64.npy");
  for (size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_THROW(parse_npy(std::string_view(bytes).substr(0, size)), Error) << size;
  }
  std::string other_dtype = bytes;
  other_dtype.replace(other_dtype.find("<f8"), 3, "<f2");
  EXPECT_NE(error_of([&] { parse_npy(other_dtype); }).find("'<f2' is not one kiln reads"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_npy("PK\x03\x04 not numpy"); }).find("magic"), std::string::npos);
}

// Found by fuzz_npy (fuzz/corpus/npy/regression_zero_size_beside_huge_sizes.npy): beside a 0,
// sizes whose product fits in int64 but not in bytes passed the check, and reading the array in
// Fortran order then overflowed a byte stride.
TEST(Npy, AZeroSizeBesideSizesTooLargeInBytesIsAnError) {
  for (const std::string order : {"False", "True"}) {
    const std::string header = "{'descr': '<f4', 'fortran_order': " + order +
                               ", 'shape': (3, 0, 1050, 99, 56099999, 30, 5004), }\n";
    const auto length = static_cast<uint16_t>(header.size());
    std::string bytes = "\x93NUMPY\x01";
    bytes.push_back('\0');
    bytes.append(reinterpret_cast<const char*>(&length), 2);
    EXPECT_NE(error_of([&] { parse_npy(bytes + header); }).find("the shape is too large"),
              std::string::npos)
        << order;
  }
}

TEST(Npy, HeaderByteFlipsNeverCrash) {
  // The header is the magic, version, length and the dict up to the first data byte.
  const std::string original = read_file(kFixtures + "from_numpy_f64.npy");
  const size_t header_end = original.find('\n') + 1;
  std::mt19937 random(6);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes = original;
    const size_t at = random() % header_end;
    bytes[at] = static_cast<char>(bytes[at] ^ (1 + random() % 255));
    try {
      parse_npy(bytes);
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace kiln
