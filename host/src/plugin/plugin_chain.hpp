// One worker's ordered chain of plugin instances: the output of one is the input of the next.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "plugin/host_context.hpp"
#include "plugin/plugin_instance.hpp"
#include "plugin/process_result.hpp"
#include "plugin/records.hpp"

namespace txform::plugin {

// Records flow depth-first: when plugin i emits, plugin i+1 processes that record before emit
// returns, so each plugin reads the previous one's buffers in place (no copy between plugins,
// no allocation per record). Routing set by an earlier plugin (topic, partition, timestamp)
// carries forward unless a later plugin sets its own. Not thread-safe: one chain per worker.
class PluginChain {
 public:
  explicit PluginChain(std::vector<PluginInstance> instances);
  PluginChain(const PluginChain&) = delete;
  PluginChain& operator=(const PluginChain&) = delete;

  // Runs one input record through the chain; final outputs go to `sink` as they are emitted.
  ProcessResult process(const InputRecord& record, OutputSink& sink);
  // process(), and adds each stage's own time on the record to `took` (one entry per stage):
  // a stage's process() call minus the emits in it, so a stage never pays for the stages it
  // feeds or for the sink. Reads the clock around every call: for a sample of records only.
  ProcessResult process_timed(const InputRecord& record, OutputSink& sink,
                              std::span<std::chrono::nanoseconds> took);
  // Flushes each plugin in order (each flush's outputs pass through the plugins after it).
  // Records emitted by flush reach later plugins with an empty topic and partition/offset -1.
  ProcessResult flush(OutputSink& sink);
  // The transaction committed: every plugin's on_commit, in order. Non-OK means stop.
  ProcessResult on_commit();
  // The transaction aborted: every plugin's on_abort, in order, even after one fails.
  ProcessResult on_abort();

  // name@version of each plugin, in chain order (for dead-letter context and offset metadata).
  const std::vector<std::string>& labels() const noexcept { return labels_; }

 private:
  friend txform_status emit_from_plugin(txform_emitter*, const txform_output*) noexcept;

  // Routing inherited from earlier plugins for the record a stage is processing.
  struct Route {
    txform_bytes topic{nullptr, 0};
    int32_t partition = TXFORM_PARTITION_UNSET;
    int64_t timestamp_ms = TXFORM_TIMESTAMP_UNSET;
  };
  struct Stage {
    PluginInstance instance;
    txform_emitter emitter;
    Route route;
    // Hot-path copies of what `instance` keeps behind two or three pointers.
    txform_plugin_process_fn process;
    txform_plugin_instance* handle;
    txform_host* host;
  };
  static constexpr size_t kNoStage = static_cast<size_t>(-1);

  using Clock = std::chrono::steady_clock;

  // Resets the per-call state.
  void begin_call(OutputSink* sink) noexcept {
    sink_ = sink;
    failed_ = false;
    failed_status_ = Status::ok;
    failed_stage_ = kNoStage;
    took_ = nullptr;
  }
  // process() and process_timed(): the same body, with the clock read only when Timed.
  template <bool Timed>
  [[gnu::always_inline]] ProcessResult run_record(
      const InputRecord& in, OutputSink& sink, std::chrono::nanoseconds* took = nullptr) noexcept;
  void run_stage(size_t stage, const txform_record& record) noexcept;
  // run_stage(), adding the call's time to took_[stage].
  void run_stage_timed(size_t stage, const txform_record& record) noexcept;
  // Empties a stage's error slot before a call, touching it only when a plugin wrote to it.
  static void clear_error(txform_host& host) noexcept {
    if (host.error_set) [[unlikely]] {
      host.error.clear();
      host.error_set = false;
    }
  }
  txform_status emit(size_t stage, const txform_output& output) noexcept;
  // Hands an emitted record on to the next stage or the sink.
  template <bool Timed>
  [[gnu::always_inline]] void forward(size_t stage, const txform_output& output) noexcept;
  // forward() in a timed call: the time downstream is taken off the emitting stage.
  [[gnu::noinline]] void forward_timed(size_t stage, const txform_output& output) noexcept;
  [[gnu::cold]] void reject_output(size_t stage, const txform_output* output) noexcept;
  void fail(size_t stage, txform_status status) noexcept;
  void fail_with(size_t stage, std::string_view message) noexcept;
  // The call's outcome; the OK case stays inline on the per-record path.
  ProcessResult result() noexcept { return failed_ ? failure() : ProcessResult{}; }
  ProcessResult failure() noexcept;
  template <class Hook>
  ProcessResult run_hooks(Hook hook_of, const char* hook_name);

  std::vector<Stage> stages_;
  size_t last_stage_ = 0;  // stages_.size() - 1, kept to spare the per-emit division
  std::vector<std::string> labels_;
  OutputSink* sink_ = nullptr;
  const txform_record* source_ = nullptr;     // the input of the current process() call
  std::chrono::nanoseconds* took_ = nullptr;  // per stage, during a process_timed() call only
  bool failed_ = false;                       // latched: the first failure of the call wins
  Status failed_status_ = Status::ok;
  size_t failed_stage_ = kNoStage;
  std::string host_error_;  // a failure that is the host's, not a plugin's (the sink threw)
};

}  // namespace txform::plugin
