// The ABI's per-record cost: one PluginChain::process call into a plugin, one emit back, one
// OutputSink::write. Goal for passthrough: at most 10 ns per record.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "plugin/plugin_loader.hpp"

namespace {

using namespace txform::plugin;

// Counts bytes so the compiler cannot drop the output; allocates nothing.
class CountingSink final : public OutputSink {
 public:
  void write(const OutputRecord& record) override { bytes += record.value.size(); }
  size_t bytes = 0;
};

// Runs `chain` on one typical record per iteration and reports records/s; with the argument
// timed:1, as the 1 record in 64 the loop samples (process_timed: each plugin's own time).
void run(benchmark::State& state, const std::vector<PluginSpec>& specs) {
  std::unique_ptr<PluginChain> chain;
  try {
    chain = load_plugin_chain(TXFORM_BENCH_PLUGIN_DIR, specs, false, {}).make_chain();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const HeaderView headers[] = {make_header("trace-id", "0af7651916cd43dd8448eb211c80319c")};
  InputRecord record;
  record.topic = "transactions";
  record.partition = 3;
  record.offset = 123456;
  record.key = "NL91ABNA0417164300";
  record.value = "a payload standing in for a real message body";
  record.headers = headers;
  record.timestamp_ms = 1700000000000;
  CountingSink sink;
  if (state.range(0) == 0) {
    for (auto _ : state) {
      const ProcessResult result = chain->process(record, sink);
      benchmark::DoNotOptimize(result);
    }
  } else {
    std::vector<std::chrono::nanoseconds> took(specs.size());
    for (auto _ : state) {
      const ProcessResult result = chain->process_timed(record, sink, took);
      benchmark::DoNotOptimize(result);
    }
    benchmark::DoNotOptimize(took.data());
  }
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(state.iterations());
}

void BM_Passthrough(benchmark::State& state) {
  run(state, {{"passthrough", {}}});
}
void BM_FilterInC(benchmark::State& state) {
  run(state, {{"filter", {{"drop_key_prefix", "test-"}}}});
}
void BM_ThreePluginChain(benchmark::State& state) {
  run(state,
      {{"filter", {{"drop_key_prefix", "test-"}}}, {"passthrough", {}}, {"passthrough", {}}});
}

BENCHMARK(BM_Passthrough)->ArgName("timed")->Arg(0)->Arg(1);
BENCHMARK(BM_FilterInC)->ArgName("timed")->Arg(0)->Arg(1);
BENCHMARK(BM_ThreePluginChain)->ArgName("timed")->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
