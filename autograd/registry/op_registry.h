#pragma once

#include <concepts>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "autograd/gradcheck.h"
#include "tensor/random.h"
#include "tensor/tensor.h"

// The op registry: one entry per differentiable op (autograd/op_list.h) and per layer of nn
// (nn/op_list.h), with sample inputs, the dtypes and devices the op supports, gradcheck
// tolerances and a cost model. Each entry is declared beside its op's backward formula
// (autograd/ops_<family>_entries.cpp, nn/<file>_entries.cpp) and registers itself; the
// gradcheck suites, the coverage test and the verify program are generated from it. The
// registry is the testing library (kiln_testing), which no production library contains.
namespace kiln::autograd {

using OpCall = std::function<Tensor(const std::vector<Tensor>&)>;

// One way to call the op: float64 CPU inputs (the differentiable ones require grad) and
// the call, which holds the op's non-tensor arguments (dims, flags, exponents).
struct OpSample {
  std::string label;
  std::vector<Tensor> inputs;
  OpCall call;
};

// The sizes `kiln bench` times an op at: Small, where the cost of a call shows (elementwise
// operands of 64 x 64), and Large, where the machine's throughput does (4096 x 1024, the
// W7 workload's; matmul at 1024^3).
enum class BenchSize { Small, Large };

// A call that must throw kiln::Error (not crash, not another exception) with a message
// containing each fragment: the op's bad-input rows.
struct BadInput {
  std::string name;
  std::function<void()> call;
  std::vector<std::string> message_contains;
};

// "" when `row` throws kiln::Error with every fragment; otherwise what went wrong.
std::string check_bad_input(const BadInput& row);

struct OpCost {
  double flops = 0;
  double bytes = 0;
};

// The op an entry checks, given by its enumerator (autograd::Op, or nn::Op for nn's
// layers), never by a string: an entry for an op that does not exist does not compile.
class OpId {
 public:
  template <typename Enum>
  requires std::is_enum_v<Enum> && requires(Enum op) {
    { op_name(op) } -> std::convertible_to<const char*>;
  }
  OpId(Enum op) : name_(op_name(op)) {}  // NOLINT: implicit, so `.op = Op::exp` reads well
  const char* name() const { return name_; }

 private:
  const char* name_;
};

struct OpEntry {
  OpId op;
  std::function<std::vector<OpSample>(Generator&)> samples = {};
  std::vector<DType> dtypes = {kFloat32, kFloat64};
  std::vector<DeviceType> devices = {DeviceType::CPU, DeviceType::CUDA};
  GradcheckOptions tolerances = {};
  // |float32 result - float64 result| <= forward_atol + forward_rtol * |float64 result|.
  double forward_atol = 1e-5;
  double forward_rtol = 1e-4;
  // Floating-point operations per element of the largest of the output and the inputs (a
  // reduction or a loss works through its input); the cost model counts those plus the
  // bytes of every input and the output.
  double flops_per_element = 1;
  // Replaces flops_per_element where the count depends on more than the operands' sizes.
  std::function<double(const std::vector<Tensor>& inputs, const Tensor& output)> flops = {};
  // Samples at benchmark sizes (kiln bench), float64 inputs like the checks'. None for ops
  // whose cost does not grow with the size (views), which are timed on their check samples.
  std::function<std::vector<OpSample>(Generator&, BenchSize)> benchmarks = {};  // or registered
  // Calls that must fail, with the message each must give (added by BadInputRegistrar).
  std::vector<BadInput> bad_inputs = {};

  const char* name() const { return op.name(); }
};

// Adds a file's entries to the registry when the testing library loads:
//   const OpEntryRegistrar registrar(add_entries);
class OpEntryRegistrar {
 public:
  explicit OpEntryRegistrar(void (*add_entries)(std::vector<OpEntry>&));
};

// Adds bad-input rows to the entries of the ops they name, beside those entries:
//   const BadInputRegistrar bad_inputs({{Op::add, {{"AddNotBroadcastable", [] {...}, {...}}}}});
class BadInputRegistrar {
 public:
  explicit BadInputRegistrar(std::vector<std::pair<OpId, std::vector<BadInput>>> rows);
};

using BenchmarkSamples = std::function<std::vector<OpSample>(Generator&, BenchSize)>;

// Sets the benchmark samples of entries built without them, beside those entries:
//   const BenchmarkRegistrar benchmarks({{Op::matmul, [](Generator& g, BenchSize size) {...}}});
class BenchmarkRegistrar {
 public:
  explicit BenchmarkRegistrar(std::vector<std::pair<OpId, BenchmarkSamples>> samples);
};

const std::vector<OpEntry>& op_registry();
// The entry named `name`, or null.
const OpEntry* find_op_entry(std::string_view name);
// The entry of `op` among `entries`; throws kiln::Error when it has none.
OpEntry& entry_of(std::vector<OpEntry>& entries, OpId op);
// The entries named, in order, or every entry when `names` is empty; throws kiln::Error
// naming an op the registry does not have.
std::vector<const OpEntry*> find_op_entries(const std::vector<std::string>& names);

// Throws kiln::Error naming the op, the dtype and device, and what the op supports.
void check_supported(const OpEntry& entry, DType dtype, Device device);

// FLOPs and bytes of one call on a sample's inputs (and the output it produced).
OpCost op_cost(const OpEntry& entry, const std::vector<Tensor>& inputs, const Tensor& output);

}  // namespace kiln::autograd
