// The per-record path must not allocate: global operator new counts, and the test looks.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "plugin/plugin_loader.hpp"
#include "plugin_testing.hpp"

namespace {
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace txform::plugin {
namespace {

// Counts outputs without allocating.
class CountingSink final : public OutputSink {
 public:
  void write(const OutputRecord& record) override { bytes += record.value.size(); }
  size_t bytes = 0;
};

// Allocations made while `chain` processes 1000 records (after one warm-up record).
long allocations_per_1000(PluginChain& chain) {
  CountingSink sink;
  const HeaderView headers[] = {make_header("trace-id", "abc")};
  const InputRecord record = plugin_testing::input("key", "a,b,c", headers);
  EXPECT_TRUE(chain.process(record, sink).ok());
  const long before = allocations.load();
  for (int i = 0; i < 1000; ++i)
    chain.process(record, sink);
  const long after = allocations.load();
  EXPECT_GT(sink.bytes, 0u);
  return after - before;
}

TEST(PluginChainHotPath, OnePluginDoesNotAllocatePerRecord) {
  auto chain =
      load_plugin_chain(plugin_testing::example_plugin_dir(), {{"passthrough", {}}}, false, {})
          .make_chain();
  EXPECT_EQ(allocations_per_1000(*chain), 0);
}

TEST(PluginChainHotPath, AChainDoesNotAllocatePerRecord) {
  auto chain = load_plugin_chain(plugin_testing::example_plugin_dir(),
                                 {{"fanout", {{"separator", ","}}},
                                  {"filter", {{"drop_key_prefix", "nothing-"}}},
                                  {"passthrough", {}}},
                                 false, {})
                   .make_chain();
  EXPECT_EQ(allocations_per_1000(*chain), 0);
}

TEST(PluginChainHotPath, TheCounterSeesAllocations) {
  const long before = allocations.load();
  int* volatile p = new int(1);  // volatile: the pair must not be optimised away
  delete p;
  EXPECT_EQ(allocations.load() - before, 1);
}

}  // namespace
}  // namespace txform::plugin
