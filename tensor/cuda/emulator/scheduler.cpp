// Kernel launches on the host: blocks in parallel on oneTBB, the threads of a block as
// fibers on the OS thread that runs the block. A thread runs until it finishes or reaches
// a rendezvous (__syncthreads, a warp collective); a kernel without one therefore runs its
// threads one after another, each on a recycled stack, which is a plain loop in effect.
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

#include <algorithm>
#include <boost/context/fiber.hpp>
#include <cstdlib>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <vector>

#include "tensor/cpu/parallel.h"
#include "tensor/cuda/emulator/device.h"
#include "tensor/cuda/emulator/fault_report.h"
#include "tensor/cuda/runtime.h"
#include "tensor/error.h"

namespace kiln::cuda::emulator {

namespace {

namespace context = boost::context;

// Kernels keep a few scalars and small arrays on the stack; AddressSanitizer enlarges frames.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kStackBytes = 512 * 1024;
#else
constexpr size_t kStackBytes = 64 * 1024;
#endif

// AddressSanitizer must be told of every switch between stacks (it keeps fake stacks and
// checks accesses against the current stack's bounds); elsewhere these do nothing. A null
// `fake_stack_save` says the stack being left is finished.
void before_switch([[maybe_unused]] void** fake_stack_save, [[maybe_unused]] const void* bottom,
                   [[maybe_unused]] size_t size) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
#endif
}
void after_switch([[maybe_unused]] void* fake_stack, [[maybe_unused]] const void** old_bottom,
                  [[maybe_unused]] size_t* old_size) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#endif
}

// ThreadSanitizer keeps a shadow call stack and a clock per fiber: each fiber is made known
// to it and each switch announced just before the jump (flags 0: the switch orders the two
// fibers, as the scheduler does). A finishing fiber's last jump is not announced; the
// scheduler announces its own return once back, so the fiber's exit frames leave the fiber's
// shadow stack, not the scheduler's. Elsewhere these do nothing.
void* new_tsan_fiber() {
#if defined(__SANITIZE_THREAD__)
  return __tsan_create_fiber(0);
#else
  return nullptr;
#endif
}
void* current_tsan_fiber() {
#if defined(__SANITIZE_THREAD__)
  return __tsan_get_current_fiber();
#else
  return nullptr;
#endif
}
void switch_tsan_fiber([[maybe_unused]] void* fiber) {
#if defined(__SANITIZE_THREAD__)
  __tsan_switch_to_fiber(fiber, 0);
#endif
}
void destroy_tsan_fiber([[maybe_unused]] void* fiber) {
#if defined(__SANITIZE_THREAD__)
  __tsan_destroy_fiber(fiber);
#endif
}

// Fiber stacks with a guard page below, recycled per OS thread: a block of 1024 threads
// that all wait at a barrier needs 1024 stacks at once, and the next block reuses them.
class StackPool {
 public:
  context::stack_context allocate() {
    last() = take();
    return last();
  }
  void deallocate(context::stack_context& stack) noexcept { free_stacks().push_back(stack); }

  // The stack most recently handed out on this OS thread: a fiber's, right after its
  // construction.
  static context::stack_context& last() {
    static thread_local context::stack_context stack;
    return stack;
  }

 private:
  static context::stack_context take() {
    std::vector<context::stack_context>& pool = free_stacks();
    if (!pool.empty()) {
      const context::stack_context stack = pool.back();
      pool.pop_back();
      return stack;
    }
    void* base = mmap(nullptr, kStackBytes + page_size(), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    mprotect(base, page_size(), PROT_NONE);
    context::stack_context stack;
    stack.size = kStackBytes;
    stack.sp = static_cast<char*>(base) + page_size() + kStackBytes;
    return stack;
  }

  static size_t page_size() {
    static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    return page;
  }

  // Unmapped when their OS thread exits (oneTBB's workers live as long as the process, but
  // a ThreadSanitizer build runs blocks on threads that end with the launch).
  struct FreeStacks {
    std::vector<context::stack_context> stacks;
    ~FreeStacks() {
      for (const context::stack_context& stack : stacks)
        munmap(static_cast<char*>(stack.sp) - stack.size - page_size(), stack.size + page_size());
    }
  };
  static std::vector<context::stack_context>& free_stacks() {
    static thread_local FreeStacks pool;
    return pool.stacks;
  }
};

enum class Status : uint8_t { NotStarted, Runnable, AtBarrier, AtWarp, Finished };

// A fault ends the thread's fiber; the block then ends all others by resuming them with
// Aborted, which unwinds each from the point where it waits.
struct Fault {
  std::string message;
};
struct Aborted {};

struct WarpState {
  unsigned arrived = 0;
  unsigned expected = 0;
  WarpOp op = WarpOp::Index;
  int width = kWarpSize;
  uint64_t bits[kWarpSize] = {};
  int argument[kWarpSize] = {};
};

std::atomic<uint64_t> block_serial{1};

}  // namespace

struct ThreadState {
  int linear = 0;
  dim3 index;
  Status status = Status::NotStarted;
  uint64_t warp_result = 0;
  context::fiber fiber;
  context::fiber scheduler;
  // For AddressSanitizer's switch annotations: this fiber's stack, its fake stack while
  // suspended, and the stack of the scheduler it returns to.
  const void* stack_bottom = nullptr;
  size_t stack_size = 0;
  void* fake_stack = nullptr;
  const void* scheduler_bottom = nullptr;
  size_t scheduler_size = 0;
  // For ThreadSanitizer's: this fiber and the scheduler's.
  void* tsan_fiber = nullptr;
  void* tsan_scheduler = nullptr;
};

struct BlockState {
  const char* kernel = "";
  dim3 grid, block, index;
  const std::function<void()>* body = nullptr;
  std::vector<ThreadState> threads;
  std::vector<WarpState> warps;
  std::vector<unsigned char> dynamic_bytes;
  std::vector<AccessRecord> dynamic_records;
  uint64_t serial = 0;
  uint64_t generation = 0;
  std::optional<std::string> fault;
  bool aborting = false;
};

namespace {

thread_local BlockState* current_block = nullptr;
thread_local ThreadState* current_thread = nullptr;

BlockState& block_state() {
  return *current_block;
}
ThreadState& thread_state() {
  return *current_thread;
}

std::string describe(const dim3& d) {
  return detail::concat("(", d.x, ",", d.y, ",", d.z, ")");
}

std::string thread_name(const BlockState& block, int linear) {
  return "thread " + describe(block.threads[linear].index);
}

// Back to the scheduler; returns when the scheduler resumes this thread, or throws Aborted
// when it resumes it only to end it.
void suspend(ThreadState& thread) {
  before_switch(&thread.fake_stack, thread.scheduler_bottom, thread.scheduler_size);
  switch_tsan_fiber(thread.tsan_scheduler);
  thread.scheduler = std::move(thread.scheduler).resume();
  after_switch(thread.fake_stack, &thread.scheduler_bottom, &thread.scheduler_size);
  if (block_state().aborting) throw Aborted{};
}

std::mutex shuffle_mutex;
const std::optional<uint64_t> environment_seed = []() -> std::optional<uint64_t> {
  if (const char* text = std::getenv("KILN_CUDA_EMULATOR_SHUFFLE")) {
    return std::strtoull(text, nullptr, 10);
  }
  return std::nullopt;
}();
std::optional<uint64_t> shuffle_seed = environment_seed;
uint64_t launch_count = 0;

// The generator of one launch's shuffles, or nullopt when not shuffling.
std::optional<std::mt19937_64> launch_shuffler() {
  const std::lock_guard lock(shuffle_mutex);
  if (!shuffle_seed) return std::nullopt;
  return std::mt19937_64(*shuffle_seed ^ (0x9E3779B97F4A7C15ull * ++launch_count));
}

void start(BlockState& block, ThreadState& thread) {
  // Boost runs a new fiber's entry up to its first wait inside the constructor: on the new
  // fiber's shadow stack, or the entry frame would stay on the scheduler's for good.
  thread.tsan_fiber = new_tsan_fiber();
  void* scheduler_fiber = current_tsan_fiber();
  switch_tsan_fiber(thread.tsan_fiber);
  thread.fiber = context::fiber(
      std::allocator_arg, StackPool(), [&block, &thread](context::fiber&& scheduler) {
        after_switch(nullptr, &thread.scheduler_bottom, &thread.scheduler_size);
        thread.scheduler = std::move(scheduler);
        try {
          (*block.body)();
        } catch (const Aborted&) {
        } catch (const Fault& fault) {
          if (!block.fault) block.fault = fault.message;
        } catch (const std::exception& error) {
          if (!block.fault) block.fault = error.what();
        }
        thread.status = Status::Finished;
        before_switch(nullptr, thread.scheduler_bottom, thread.scheduler_size);
        return std::move(thread.scheduler);
      });
  const context::stack_context& stack = StackPool::last();
  thread.stack_bottom = static_cast<char*>(stack.sp) - stack.size;
  thread.stack_size = stack.size;
  switch_tsan_fiber(scheduler_fiber);
}

void resume(BlockState& block, ThreadState& thread) {
  if (thread.status == Status::NotStarted) start(block, thread);
  thread.status = Status::Runnable;
  current_thread = &thread;
  void* fake_stack = nullptr;
  before_switch(&fake_stack, thread.stack_bottom, thread.stack_size);
  thread.tsan_scheduler = current_tsan_fiber();
  switch_tsan_fiber(thread.tsan_fiber);
  thread.fiber = std::move(thread.fiber).resume();
  after_switch(fake_stack, nullptr, nullptr);
  if (thread.status == Status::Finished) {
    switch_tsan_fiber(thread.tsan_scheduler);
    destroy_tsan_fiber(thread.tsan_fiber);
  }
  current_thread = nullptr;
}

// The threads of `block` that wait at `status`, named for an error message.
std::string threads_with(const BlockState& block, Status status) {
  std::string names;
  int count = 0;
  for (const ThreadState& thread : block.threads) {
    if (thread.status != status) continue;
    if (++count <= 4) names += (names.empty() ? "" : ", ") + thread_name(block, thread.linear);
  }
  if (count > 4) names += detail::concat(" and ", count - 4, " more");
  return names;
}

// Why no thread can go on, when none can.
std::string deadlock(const BlockState& block, int at_barrier, int at_warp, int finished) {
  const std::string where =
      detail::concat("kernel ", block.kernel, ", block ", describe(block.index), ": ");
  if (at_warp > 0) {
    for (size_t w = 0; w < block.warps.size(); ++w) {
      const WarpState& warp = block.warps[w];
      if (warp.arrived == 0) continue;
      const unsigned missing = warp.expected & ~warp.arrived;
      const int lane = std::countr_zero(missing);
      return where + detail::concat("a warp collective with mask 0x", std::hex, warp.expected,
                                    std::dec, " in warp ", w, " waits for lane ", lane, " (",
                                    thread_name(block, static_cast<int>(w) * kWarpSize + lane),
                                    "), which never joins it");
    }
  }
  if (at_barrier > 0 && finished > 0) {
    return where + "divergent __syncthreads: " + threads_with(block, Status::AtBarrier) +
           " wait at a barrier that " + threads_with(block, Status::Finished) +
           " exited without reaching";
  }
  return where + "no thread can make progress";
}

void run_block(BlockState& block, std::mt19937_64* shuffler) {
  current_block = &block;
  const int count = static_cast<int>(block.threads.size());
  std::vector<int> order(count);
  for (;;) {
    order.clear();
    for (const ThreadState& thread : block.threads) {
      if (thread.status == Status::NotStarted || thread.status == Status::Runnable) {
        order.push_back(thread.linear);
      }
    }
    if (shuffler) std::shuffle(order.begin(), order.end(), *shuffler);
    for (int linear : order) {
      resume(block, block.threads[linear]);
      if (block.fault) break;
    }
    if (block.fault) break;
    int at_barrier = 0, at_warp = 0, finished = 0, runnable = 0;
    for (const ThreadState& thread : block.threads) {
      at_barrier += thread.status == Status::AtBarrier;
      at_warp += thread.status == Status::AtWarp;
      finished += thread.status == Status::Finished;
      runnable += thread.status == Status::Runnable;
    }
    if (finished == count) break;
    if (runnable > 0) continue;
    if (at_barrier == count) {
      ++block.generation;
      for (ThreadState& thread : block.threads) thread.status = Status::Runnable;
      continue;
    }
    block.fault = deadlock(block, at_barrier, at_warp, finished);
    break;
  }
  // Ends the fibers still suspended (after a fault).
  block.aborting = true;
  for (ThreadState& thread : block.threads) {
    if (thread.status != Status::NotStarted && thread.status != Status::Finished) {
      resume(block, thread);
    }
  }
  current_block = nullptr;
  if (block.fault) throw Error(*block.fault);
}

dim3 unravel(uint64_t linear, const dim3& extent) {
  return dim3(static_cast<unsigned>(linear % extent.x),
              static_cast<unsigned>(linear / extent.x % extent.y),
              static_cast<unsigned>(linear / extent.x / extent.y));
}

void run_block_at(uint64_t linear, const char* kernel, dim3 grid, dim3 block_dims,
                  size_t shared_bytes, const std::function<void()>& body,
                  std::mt19937_64* shuffler) {
  BlockState block;
  block.kernel = kernel;
  block.grid = grid;
  block.block = block_dims;
  block.index = unravel(linear, grid);
  block.body = &body;
  block.serial = block_serial.fetch_add(1);
  const int count = static_cast<int>(block_dims.x * block_dims.y * block_dims.z);
  block.threads.resize(count);
  for (int t = 0; t < count; ++t) {
    block.threads[t].linear = t;
    block.threads[t].index = unravel(t, block_dims);
  }
  block.warps.resize((count + kWarpSize - 1) / kWarpSize);
  block.dynamic_bytes.resize(shared_bytes);
  block.dynamic_records.resize(shared_bytes);
  run_block(block, shuffler);
}

// The limits of the emulated device (those of sm_80 and sm_90).
constexpr unsigned kMaxThreadsPerBlock = 1024;
constexpr size_t kMaxDynamicShared = 48 * 1024;

}  // namespace

const dim3& grid_dim() {
  return block_state().grid;
}
const dim3& block_dim() {
  return block_state().block;
}
const dim3& block_index() {
  return block_state().index;
}
const dim3& thread_index() {
  return thread_state().index;
}

void fault(const std::string& what) {
  const BlockState& block = block_state();
  throw Fault{detail::concat("kernel ", block.kernel, ", block ", describe(block.index), ", ",
                             thread_name(block, thread_state().linear), ": ", what)};
}

void sync_threads() {
  ThreadState& thread = thread_state();
  thread.status = Status::AtBarrier;
  suspend(thread);
}

uint64_t warp_collective(WarpOp op, unsigned mask, uint64_t bits, int argument, int width) {
  BlockState& block = block_state();
  ThreadState& thread = thread_state();
  const int warp_index = thread.linear / kWarpSize, lane = thread.linear % kWarpSize;
  const int lanes_present =
      std::min(kWarpSize, static_cast<int>(block.threads.size()) - warp_index * kWarpSize);
  const unsigned present = lanes_present == kWarpSize ? ~0u : (1u << lanes_present) - 1;
  const unsigned expected = mask & present;
  if ((expected >> lane & 1) == 0) {
    fault(detail::concat("a warp collective with mask 0x", std::hex, mask,
                         " that excludes the calling lane ", std::dec, lane));
  }
  if (width <= 0 || width > kWarpSize || !std::has_single_bit(static_cast<unsigned>(width))) {
    fault(detail::concat("a warp shuffle of width ", width, " (a power of two up to 32)"));
  }
  WarpState& warp = block.warps[warp_index];
  if (warp.arrived == 0) {
    warp.expected = expected;
    warp.op = op;
    warp.width = width;
  } else if (warp.expected != expected || warp.op != op || warp.width != width) {
    fault(detail::concat("lane ", lane, " calls a warp collective with mask 0x", std::hex, expected,
                         " while lanes 0x", warp.arrived, " wait in a different one (mask 0x",
                         warp.expected, ")"));
  }
  warp.bits[lane] = bits;
  warp.argument[lane] = argument;
  warp.arrived |= 1u << lane;
  if (warp.arrived != warp.expected) {
    thread.status = Status::AtWarp;
    suspend(thread);
    return thread.warp_result;
  }
  unsigned ballot = 0;
  for (int l = 0; l < kWarpSize; ++l) {
    if ((expected >> l & 1) && warp.bits[l] != 0) ballot |= 1u << l;
  }
  for (int l = 0; l < kWarpSize; ++l) {
    if ((expected >> l & 1) == 0) continue;
    const int base = l & ~(width - 1), position = l - base, a = warp.argument[l];
    int source = l;
    switch (op) {
      case WarpOp::Index:
        source = base + (a & (width - 1));
        break;
      case WarpOp::Up:
        source = position >= a ? l - a : l;
        break;
      case WarpOp::Down:
        source = position + a < width ? l + a : l;
        break;
      case WarpOp::Xor:
        // Lanes may read earlier groups of `width`, but reading a later one gives their own.
        source = (l ^ a) < base + width ? (l ^ a) : l;
        break;
      case WarpOp::Ballot:
        break;
    }
    if ((expected >> source & 1) == 0) {
      fault(detail::concat("lane ", l, " reads lane ", source,
                           " in a warp shuffle, but that lane is not in the mask 0x", std::hex,
                           expected));
    }
    ThreadState& target = block.threads[warp_index * kWarpSize + l];
    target.warp_result = op == WarpOp::Ballot ? ballot : warp.bits[source];
    if (l != lane) target.status = Status::Runnable;
  }
  warp.arrived = 0;
  return thread.warp_result;
}

namespace {
void refresh(AccessRecord& record) {
  const BlockState& block = block_state();
  const uint64_t phase = block.serial << 24 | (block.generation & 0xFFFFFF);
  if (record.phase != phase) record = AccessRecord{.phase = phase, .written_in = record.written_in};
}
}  // namespace

void record_read(AccessRecord& record, const char* array, int64_t index) {
  refresh(record);
  const BlockState& block = block_state();
  const int me = thread_state().linear;
  if (record.writer >= 0 && record.writer != me) {
    fault(detail::concat("shared-memory race on ", array, "[", index, "]: read after ",
                         thread_name(block, record.writer), " wrote it with no barrier between"));
  }
  if (record.written_in != block.serial) {
    fault(detail::concat("shared-memory read of ", array, "[", index,
                         "] before any thread of the block wrote it"));
  }
  if (record.reader < 0) {
    record.reader = me;
  } else if (record.reader != me) {
    record.many_readers = true;
  }
}

void record_write(AccessRecord& record, const char* array, int64_t index) {
  refresh(record);
  const BlockState& block = block_state();
  const int me = thread_state().linear;
  if (record.writer >= 0 && record.writer != me) {
    fault(detail::concat("shared-memory race on ", array, "[", index, "]: written after ",
                         thread_name(block, record.writer), " wrote it with no barrier between"));
  }
  if (record.many_readers || (record.reader >= 0 && record.reader != me)) {
    fault(detail::concat("shared-memory race on ", array, "[", index, "]: written after ",
                         thread_name(block, record.reader), " read it with no barrier between"));
  }
  record.writer = me;
  record.written_in = block.serial;
}

void check_index(const char* array, int64_t index, int64_t size) {
  if (index < 0 || index >= size) {
    fault(detail::concat("shared-memory index ", index, " is outside ", array, "[", size, "]"));
  }
}

DynamicShared dynamic_shared() {
  BlockState& block = block_state();
  return {block.dynamic_bytes.data(), block.dynamic_records.data(), block.dynamic_bytes.size()};
}

void set_shuffle_seed(const uint64_t* seed) {
  const std::lock_guard lock(shuffle_mutex);
  shuffle_seed = seed ? std::optional<uint64_t>(*seed) : environment_seed;
  launch_count = 0;
}

void launch(const char* kernel, dim3 grid, dim3 block, size_t shared_bytes,
            const std::function<void()>& thread_body) {
  const uint64_t threads = uint64_t{block.x} * block.y * block.z;
  const uint64_t blocks = uint64_t{grid.x} * grid.y * grid.z;
  KILN_CHECK(threads >= 1 && threads <= kMaxThreadsPerBlock && block.z <= 64, "kernel ", kernel,
             ": invalid launch: block ", describe(block), " (at most ", kMaxThreadsPerBlock,
             " threads, z at most 64)");
  KILN_CHECK(blocks >= 1 && grid.y <= 65535 && grid.z <= 65535, "kernel ", kernel,
             ": invalid launch: grid ", describe(grid));
  KILN_CHECK(shared_bytes <= kMaxDynamicShared, "kernel ", kernel,
             ": invalid launch: ", shared_bytes, " bytes of dynamic shared memory (at most ",
             kMaxDynamicShared, ")");
  install_fault_report();
  std::optional<std::mt19937_64> shuffler = launch_shuffler();
  if (shuffler) {
    std::vector<uint64_t> order(blocks);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), *shuffler);
    for (uint64_t linear : order) {
      run_block_at(linear, kernel, grid, block, shared_bytes, thread_body, &*shuffler);
    }
    return;
  }
  cpu::parallel_for(static_cast<int64_t>(blocks), 1, [&](int64_t begin, int64_t end) {
    for (int64_t linear = begin; linear < end; ++linear) {
      run_block_at(linear, kernel, grid, block, shared_bytes, thread_body, nullptr);
    }
  });
}

void check_pointer_argument(const char* kernel, int position, const void* pointer) {
  if (pointer == nullptr) return;
  const int device = device_of_pointer(pointer);
  KILN_CHECK(device >= 0, "kernel ", kernel, ": argument ", position, " (", pointer,
             ") is not device memory");
  const int running_on = runtime::current_device();
  KILN_CHECK(device == running_on, "kernel ", kernel, ": argument ", position,
             " is memory of cuda:", device, " but the kernel runs on cuda:", running_on);
}

// For the fault report of a signal: the kernel, block and thread running on this OS
// thread, if any.
bool describe_running_thread(char* buffer, size_t size) {
  if (current_block == nullptr || current_thread == nullptr) return false;
  const dim3 b = current_block->index, t = current_thread->index;
  std::snprintf(buffer, size, "kernel %s, block (%u,%u,%u), thread (%u,%u,%u)",
                current_block->kernel, b.x, b.y, b.z, t.x, t.y, t.z);
  return true;
}

}  // namespace kiln::cuda::emulator
