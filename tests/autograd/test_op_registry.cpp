// Suites generated from the op registry: for every entry, the float32 forward against
// float64, gradcheck and gradgradcheck over all its samples; and coverage: every
// differentiable op (autograd/op_list.h) has an entry that exercises it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "autograd/functions.h"
#include "autograd/node.h"
#include "autograd/op_list.h"
#include "autograd/registry/op_bench.h"
#include "autograd/registry/op_verify.h"
#include "nn/op_list.h"
#include "tensor/creation.h"

namespace kiln::autograd {
namespace {

std::vector<std::string> entry_names() {
  std::vector<std::string> names;
  for (const OpEntry& entry : op_registry()) names.push_back(entry.name());
  return names;
}

class OpRegistry : public testing::TestWithParam<std::string> {
 protected:
  CheckOutcome run(OpCheck check) {
    const OpEntry* entry = find_op_entry(GetParam());
    const OpCheck checks[] = {check};
    const OpReport report = verify_op(*entry, checks);
    EXPECT_TRUE(report.unsupported.empty()) << report.unsupported;
    EXPECT_GT(report.samples, 0);
    return check == OpCheck::Forward     ? report.forward
           : check == OpCheck::Gradcheck ? report.gradcheck
                                         : report.gradgradcheck;
  }
};

TEST_P(OpRegistry, ForwardFloat32MatchesFloat64) {
  const CheckOutcome outcome = run(OpCheck::Forward);
  EXPECT_TRUE(outcome.passed) << outcome.message;
}

TEST_P(OpRegistry, Gradcheck) {
  const CheckOutcome outcome = run(OpCheck::Gradcheck);
  EXPECT_TRUE(outcome.passed) << outcome.message;
}

TEST_P(OpRegistry, Gradgradcheck) {
  const CheckOutcome outcome = run(OpCheck::Gradgradcheck);
  EXPECT_TRUE(outcome.passed) << outcome.message;
}

INSTANTIATE_TEST_SUITE_P(Ops, OpRegistry, testing::ValuesIn(entry_names()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// Every bad-input row of every entry, one test each.
struct BadInputRow {
  std::string op;
  size_t row;
};

void PrintTo(const BadInputRow& row, std::ostream* out) {
  *out << row.op << " row " << row.row;
}

std::vector<BadInputRow> bad_input_rows() {
  std::vector<BadInputRow> rows;
  for (const OpEntry& entry : op_registry()) {
    for (size_t i = 0; i < entry.bad_inputs.size(); ++i) rows.push_back({entry.name(), i});
  }
  return rows;
}

class OpRegistryBadInput : public testing::TestWithParam<BadInputRow> {};

TEST_P(OpRegistryBadInput, ThrowsKilnErrorNamingTheProblem) {
  const BadInput& row = find_op_entry(GetParam().op)->bad_inputs[GetParam().row];
  EXPECT_EQ(check_bad_input(row), "");
  EXPECT_FALSE(row.message_contains.empty()) << row.name;
}

INSTANTIATE_TEST_SUITE_P(Ops, OpRegistryBadInput, testing::ValuesIn(bad_input_rows()),
                         [](const testing::TestParamInfo<BadInputRow>& info) {
                           return info.param.op + "_" +
                                  find_op_entry(info.param.op)->bad_inputs[info.param.row].name;
                         });

// Every benchmark sample runs (at the small size, on the CPU) and has a cost.
TEST_P(OpRegistry, BenchmarkSamplesRun) {
  const OpEntry& entry = *find_op_entry(GetParam());
  const OpBenchmark bench = bench_op(entry, kCPU, kFloat32, BenchSize::Small,
                                     {.warmup = 0, .repetitions = 1, .min_time = 0});
  EXPECT_TRUE(bench.unsupported.empty()) << bench.unsupported;
  ASSERT_FALSE(bench.samples.empty());
  for (const SampleTiming& sample : bench.samples) {
    EXPECT_GT(sample.seconds, 0) << sample.label;
    EXPECT_GT(sample.cost.bytes, 0) << sample.label;
  }
}

// Only ops without arithmetic (views) may do without benchmark samples: they are timed on
// their check samples.
TEST(OpRegistryCoverage, EveryOpThatComputesHasBenchmarkSamples) {
  for (const OpEntry& entry : op_registry()) {
    if (entry.benchmarks) continue;
    EXPECT_TRUE(entry.flops_per_element == 0 && !entry.flops)
        << entry.name() << " computes but has no benchmark samples";
  }
}

// The registry's modes report bad inputs as a check of their own.
TEST(OpRegistryCoverage, BadInputsRunAsACheck) {
  const OpCheck checks[] = {OpCheck::BadInputs};
  const OpReport report = verify_op(*find_op_entry("matmul"), checks);
  EXPECT_TRUE(report.bad_inputs.ran);
  EXPECT_TRUE(report.bad_inputs.passed) << report.bad_inputs.message;
  OpEntry lying = *find_op_entry("matmul");
  lying.bad_inputs = {{"Fine", [] {}, {"never"}}};
  EXPECT_FALSE(verify_op(lying, checks).bad_inputs.passed);
}

TEST(OpRegistryCoverage, EveryDifferentiableOpHasAnEntry) {
  for (const auto names : {recorded_op_names(), composite_op_names(), nn::nn_op_names()}) {
    for (const char* name : names) {
      EXPECT_NE(find_op_entry(name), nullptr)
          << "differentiable op " << name << " has no entry in the op registry "
          << "(autograd/ops_<family>_entries.cpp, nn/<file>_entries.cpp)";
    }
  }
}

TEST(OpRegistryCoverage, EveryEntryIsAListedOpAndUnique) {
  std::set<std::string> listed, seen;
  for (const auto names : {recorded_op_names(), composite_op_names(), nn::nn_op_names()}) {
    for (const char* name : names) listed.insert(name);
  }
  for (const OpEntry& entry : op_registry()) {
    EXPECT_TRUE(listed.contains(entry.name())) << entry.name() << " is not in autograd/op_list.h";
    EXPECT_TRUE(seen.insert(entry.name()).second) << entry.name() << " has two entries";
  }
}

bool graph_contains(const std::shared_ptr<Node>& root, const std::string& name) {
  std::vector<const Node*> stack = {root.get()};
  std::set<const Node*> seen;
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    if (node == nullptr || !seen.insert(node).second) continue;
    if (name == node->name()) return true;
    for (const Edge& edge : node->next_edges()) stack.push_back(edge.node.get());
  }
  return false;
}

// An entry for a recorded op must run that op's node, so that its checks test the op and
// not something else.
TEST(OpRegistryCoverage, RecordedEntriesRunTheirOwnNode) {
  const std::set<std::string> recorded(recorded_op_names().begin(), recorded_op_names().end());
  for (const OpEntry& entry : op_registry()) {
    if (!recorded.contains(entry.name())) continue;
    Generator generator(1);
    bool found = false;
    for (const OpSample& sample : entry.samples(generator)) {
      const Tensor output = sample.call(sample.inputs);
      found = found || graph_contains(output.grad_fn(), entry.name());
    }
    EXPECT_TRUE(found) << "no sample of " << entry.name() << " records a " << entry.name()
                       << " node";
  }
}

TEST(OpRegistryCoverage, CostsCountBytesAndFlops) {
  const OpEntry& matmul_entry = *find_op_entry("matmul");
  const Tensor a = zeros({3, 4}, {.dtype = kFloat64});
  const Tensor b = zeros({4, 2}, {.dtype = kFloat64});
  const OpCost cost = op_cost(matmul_entry, {a, b}, matmul(a, b));
  EXPECT_EQ(cost.flops, 2.0 * 3 * 4 * 2);
  EXPECT_EQ(cost.bytes, 8.0 * (12 + 8 + 6));
}

TEST(OpRegistryCoverage, UnsupportedCombinationIsReportedBeforeRunning) {
  const OpEntry& entry = *find_op_entry("exp");
  try {
    check_supported(entry, kInt64, kCPU);
    FAIL() << "int64 exp should be reported unsupported";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("exp: not supported for int64 on cpu"),
              std::string::npos)
        << error.what();
  }
  OpEntry cpu_only = entry;
  cpu_only.devices = {DeviceType::CPU};
  const OpReport report = verify_op(cpu_only, kAllOpChecks, cuda_device(0));
  EXPECT_FALSE(report.unsupported.empty());
  EXPECT_FALSE(report.forward.ran);
}

}  // namespace
}  // namespace kiln::autograd
