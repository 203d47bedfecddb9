#include "plugin/plugin_chain.hpp"

#include <fmt/format.h>

#include <exception>
#include <stdexcept>

#include "plugin/bytes.hpp"

namespace txform::plugin {
namespace {

// The input record flush() outputs carry to later plugins: there is no source record.
constexpr txform_record kNoSource{sizeof(txform_record),
                                  {"", 0},
                                  {nullptr, 0},
                                  {nullptr, 0},
                                  nullptr,
                                  0,
                                  TXFORM_TIMESTAMP_UNSET,
                                  -1,
                                  -1,
                                  0};

// The ABI status as the one C++ status type; anything plugin.h does not list is fatal.
Status to_status(txform_status status) noexcept {
  switch (status) {
    case TXFORM_STATUS_OK:
      return Status::ok;
    case TXFORM_STATUS_RECORD_ERROR:
      return Status::record_error;
    case TXFORM_STATUS_RETRY:
      return Status::retry;
    default:
      return Status::fatal;
  }
}

}  // namespace

PluginChain::PluginChain(std::vector<PluginInstance> instances) {
  stages_.reserve(instances.size());
  for (PluginInstance& instance : instances) {
    labels_.push_back(instance.info().label);
    const txform_plugin_process_fn process_fn = instance.functions().process;
    txform_plugin_instance* const handle = instance.handle();
    txform_host* const host = &instance.host();
    stages_.push_back(
        Stage{std::move(instance), txform_emitter{}, Route{}, process_fn, handle, host});
  }
  last_stage_ = stages_.size() - 1;
  // Emitters point back at this chain, which is why a chain never moves.
  for (size_t i = 0; i < stages_.size(); ++i)
    stages_[i].emitter = txform_emitter{this, i};
}

ProcessResult PluginChain::process(const InputRecord& in, OutputSink& sink) {
  return run_record<false>(in, sink);
}

ProcessResult PluginChain::process_timed(const InputRecord& in, OutputSink& sink,
                                         std::span<std::chrono::nanoseconds> took) {
  if (took.size() < stages_.size()) {
    throw std::invalid_argument(
        fmt::format("process_timed: {} time slots for {} plugins", took.size(), stages_.size()));
  }
  return run_record<true>(in, sink, took.data());
}

template <bool Timed>
[[gnu::always_inline]] inline ProcessResult PluginChain::run_record(
    const InputRecord& in, OutputSink& sink, std::chrono::nanoseconds* took) noexcept {
  begin_call(&sink);
  const txform_record record{sizeof(txform_record), abi_bytes(in.topic),
                             abi_bytes(in.key),     abi_bytes(in.value),
                             in.headers.data(),     in.headers.size(),
                             in.timestamp_ms,       in.offset,
                             in.partition,          0};
  source_ = &record;
  stages_[0].route = Route{};
  if constexpr (Timed) {
    took_ = took;
    run_stage_timed(0, record);
    took_ = nullptr;
  } else {
    run_stage(0, record);
  }
  source_ = nullptr;
  sink_ = nullptr;
  return result();
}

// Inlined into process() and emit(): this is the per-record path.
[[gnu::always_inline]] inline void PluginChain::run_stage(size_t stage,
                                                          const txform_record& record) noexcept {
  Stage& s = stages_[stage];
  clear_error(*s.host);
  txform_status status;
  try {
    status = s.process(s.handle, &record, &s.emitter);
  } catch (const std::exception& e) {
    fail_with(stage, fmt::format("process() threw an exception across the C ABI: {}", e.what()));
    return;
  } catch (...) {
    fail_with(stage, "process() threw an exception across the C ABI");
    return;
  }
  if (status != TXFORM_STATUS_OK) fail(stage, status);
}

void PluginChain::run_stage_timed(size_t stage, const txform_record& record) noexcept {
  const auto started = Clock::now();
  run_stage(stage, record);
  took_[stage] += Clock::now() - started;
}

// Inlined into emit_from_plugin: this is the per-record path.
[[gnu::always_inline]] inline txform_status PluginChain::emit(size_t stage,
                                                              const txform_output& out) noexcept {
  // After a failure the plugin should stop emitting; whatever it still sends is dropped.
  if (failed_) return static_cast<txform_status>(failed_status_);
  // The one test an untimed record pays for timing.
  if (took_ != nullptr) [[unlikely]] {
    forward_timed(stage, out);
  } else {
    forward<false>(stage, out);
  }
  return failed_ ? static_cast<txform_status>(failed_status_) : TXFORM_STATUS_OK;
}

void PluginChain::forward_timed(size_t stage, const txform_output& out) noexcept {
  // What happens downstream is the next stages' time (they add their own) or the sink's: not
  // this stage's.
  const auto started = Clock::now();
  forward<true>(stage, out);
  took_[stage] -= Clock::now() - started;
}

template <bool Timed>
[[gnu::always_inline]] inline void PluginChain::forward(size_t stage,
                                                        const txform_output& out) noexcept {
  const Route& inherited = stages_[stage].route;
  const txform_bytes topic = out.topic.data != nullptr ? out.topic : inherited.topic;
  const int32_t partition =
      out.partition != TXFORM_PARTITION_UNSET ? out.partition : inherited.partition;
  const int64_t timestamp =
      out.timestamp_ms != TXFORM_TIMESTAMP_UNSET ? out.timestamp_ms : inherited.timestamp_ms;

  if (stage == last_stage_) {
    // Built whole: zero-filling it first costs a rep stos, a visible share of a record's time.
    const OutputRecord record{
        topic.data != nullptr ? std::optional(bytes_view(topic)) : std::nullopt,
        partition != TXFORM_PARTITION_UNSET ? std::optional(partition) : std::nullopt,
        bytes_view(out.key),
        bytes_view(out.value),
        std::span<const HeaderView>(out.headers, out.header_count),
        timestamp != TXFORM_TIMESTAMP_UNSET ? std::optional(timestamp) : std::nullopt};
    try {
      sink_->write(record);
    } catch (const std::exception& e) {
      fail_with(kNoStage, fmt::format("the output sink failed: {}", e.what()));
    } catch (...) {
      fail_with(kNoStage, "the output sink failed");
    }
    return;
  }

  // The next plugin reads this output in place: it lives until this emit call returns.
  const txform_record& source = source_ != nullptr ? *source_ : kNoSource;
  const size_t next = stage + 1;
  stages_[next].route = Route{topic, partition, timestamp};
  const txform_record record{sizeof(txform_record),
                             source.topic,
                             out.key,
                             out.value,
                             out.headers,
                             out.header_count,
                             timestamp != TXFORM_TIMESTAMP_UNSET ? timestamp : source.timestamp_ms,
                             source.offset,
                             source.partition,
                             0};
  if constexpr (Timed) {
    run_stage_timed(next, record);
  } else {
    run_stage(next, record);
  }
}

txform_status emit_from_plugin(txform_emitter* emitter, const txform_output* output) noexcept {
  PluginChain& chain = *emitter->chain;
  if (output == nullptr || output->struct_size < kOutputMinSize ||
      (output->header_count > 0 && output->headers == nullptr)) [[unlikely]] {
    chain.reject_output(emitter->stage, output);
    return TXFORM_STATUS_FATAL;
  }
  return chain.emit(emitter->stage, *output);
}

void PluginChain::reject_output(size_t stage, const txform_output* output) noexcept {
  try {
    fail_with(stage, output == nullptr ? std::string("emitted a NULL record")
                     : output->struct_size < kOutputMinSize
                         ? fmt::format("emitted a record with struct_size {} (at least {} needed)",
                                       output->struct_size, kOutputMinSize)
                         : std::string("emitted headers with a NULL array"));
  } catch (...) {
    fail_with(stage, {});
  }
}

void PluginChain::fail(size_t stage, txform_status status) noexcept {
  if (failed_) return;  // a later plugin already failed inside this one's emit: keep the cause
  failed_ = true;
  failed_status_ = to_status(status);
  failed_stage_ = stage;
  txform_host& host = *stages_[stage].host;
  host.error_set = true;  // whatever it holds now is this call's, cleared before the next
  std::string& message = host.error;
  try {
    if (status < TXFORM_STATUS_OK || status > TXFORM_STATUS_FATAL) {
      message = fmt::format("returned unknown status {} (treated as FATAL){}{}", status,
                            message.empty() ? "" : ": ", message);
    } else if (message.empty()) {
      message = fmt::format("returned {} without a reason", to_string(failed_status_));
    }
  } catch (...) {
    // Out of memory while explaining: the status still stands.
  }
}

void PluginChain::fail_with(size_t stage, std::string_view message) noexcept {
  if (failed_) return;
  failed_ = true;
  failed_status_ = Status::fatal;
  failed_stage_ = stage;
  try {
    if (stage == kNoStage) {
      host_error_ = message;
    } else {
      stages_[stage].host->error = message;
      stages_[stage].host->error_set = true;
    }
  } catch (...) {
  }
}

ProcessResult PluginChain::failure() noexcept {
  if (failed_stage_ == kNoStage) return ProcessResult{failed_status_, host_error_, {}};
  Stage& s = stages_[failed_stage_];
  return ProcessResult{failed_status_, s.instance.host().error, labels_[failed_stage_]};
}

ProcessResult PluginChain::flush(OutputSink& sink) {
  begin_call(&sink);
  source_ = nullptr;
  for (size_t i = 0; i < stages_.size() && !failed_; ++i) {
    Stage& s = stages_[i];
    const txform_plugin_flush_fn flush_fn = s.instance.functions().flush;
    if (flush_fn == nullptr) continue;
    s.route = Route{};
    clear_error(*s.host);
    try {
      const txform_status status = flush_fn(s.instance.handle(), &s.emitter);
      if (status != TXFORM_STATUS_OK) fail(i, status);
    } catch (const std::exception& e) {
      fail_with(i, fmt::format("flush() threw an exception across the C ABI: {}", e.what()));
    } catch (...) {
      fail_with(i, "flush() threw an exception across the C ABI");
    }
  }
  sink_ = nullptr;
  return result();
}

template <class Hook>
ProcessResult PluginChain::run_hooks(Hook hook_of, const char* hook_name) {
  begin_call(nullptr);
  for (size_t i = 0; i < stages_.size(); ++i) {
    Stage& s = stages_[i];
    const auto hook = hook_of(s.instance.functions());
    if (hook == nullptr) continue;
    clear_error(*s.host);
    try {
      // A transaction hook has no record to reject or retry: anything but OK means stop.
      const txform_status status = hook(s.instance.handle());
      if (status != TXFORM_STATUS_OK) fail(i, TXFORM_STATUS_FATAL);
    } catch (const std::exception& e) {
      fail_with(i,
                fmt::format("{}() threw an exception across the C ABI: {}", hook_name, e.what()));
    } catch (...) {
      fail_with(i, fmt::format("{}() threw an exception across the C ABI", hook_name));
    }
  }
  return result();
}

ProcessResult PluginChain::on_commit() {
  return run_hooks([](const PluginFunctions& f) { return f.on_commit; }, "on_commit");
}

ProcessResult PluginChain::on_abort() {
  return run_hooks([](const PluginFunctions& f) { return f.on_abort; }, "on_abort");
}

}  // namespace txform::plugin
