// The engine's view of the plugin chain: one input record in, zero or more outputs written.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "txform/status.hpp"

namespace txform::engine {

class OutputWriter;

// What the chain said about one call, owned (the chain's own result is a view; see
// plugin/process_result.hpp).
struct ProcessOutcome {
  Status status = Status::ok;
  std::string message;  // why, when not kOk
  std::string plugin;   // name@version of the plugin that failed
};

class RecordProcessor {
 public:
  virtual ~RecordProcessor() = default;
  // Runs the chain on `input` (borrowed until return), writing outputs through `out`.
  virtual ProcessOutcome process(const rd_kafka_message_t& input, OutputWriter& out) = 0;
  // process(), adding each plugin's own time on `input` to `took` (one entry per plugins()
  // entry). By default the processor counts as one plugin.
  virtual ProcessOutcome process_timed(const rd_kafka_message_t& input, OutputWriter& out,
                                       std::span<std::chrono::nanoseconds> took) {
    const auto started = std::chrono::steady_clock::now();
    ProcessOutcome outcome = process(input, out);
    took[0] += std::chrono::steady_clock::now() - started;
    return outcome;
  }
  // Emits what the chain buffered; called before every commit, into the closing transaction.
  virtual ProcessOutcome flush(OutputWriter&) { return {}; }
  // Transaction hooks: in-memory plugin state follows the transaction's fate. A failing hook
  // (anything but kOk) stops the worker.
  virtual ProcessOutcome on_commit() = 0;
  virtual ProcessOutcome on_abort() = 0;
  // name@version of every plugin, in chain order ("a@1.0,b@2.1"); stamped on committed offsets.
  virtual std::string describe() const = 0;
  // name@version of each plugin, in chain order: what process_timed() measures.
  virtual std::vector<std::string> plugins() const { return {describe()}; }
  // Plugin reload: true when a new plugin generation waits to take over. The loop then ends the
  // open transaction and calls switch_generation(), so no transaction mixes two generations.
  virtual bool generation_pending() const { return false; }
  virtual void switch_generation() {}
};

}  // namespace txform::engine
