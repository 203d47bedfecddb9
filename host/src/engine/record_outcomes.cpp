#include "engine/record_outcomes.hpp"

#include "engine/exit_codes.hpp"
#include "engine/loop_stop.hpp"

namespace txform::engine {
namespace {

RecordId record_id(const rd_kafka_message_t& message) {
  return RecordId{{rd_kafka_topic_name(message.rkt), message.partition}, message.offset};
}

std::string describe(const rd_kafka_message_t& message) {
  return std::string(rd_kafka_topic_name(message.rkt)) + "[" + std::to_string(message.partition) +
         "]@" + std::to_string(message.offset);
}

}  // namespace

RecordOutcomes::RecordOutcomes(const EngineOptions& options, spdlog::logger& log,
                               LoopObserver& observer)
    : options_(options), log_(log), observer_(observer) {}

void RecordOutcomes::use_writer(OutputWriter& writer) {
  writer_ = &writer;
  if (options_.on_record_error == ErrorPolicy::kDeadLetter) {
    dead_letter_topic_ = writer.topic_handle(options_.dead_letter_topic);
  }
}

RecordOutcomes::Standing RecordOutcomes::standing(const rd_kafka_message_t& message) {
  Standing found;
  if (verdicts_.empty() && retry_attempts_.empty()) return found;
  const RecordId id = record_id(message);
  if (auto tries = retry_attempts_.find(id); tries != retry_attempts_.end()) {
    found.attempt = tries->second + 1;
  }
  if (auto verdict = verdicts_.find(id); verdict != verdicts_.end()) {
    found.verdict = std::move(verdict->second);
    verdicts_.erase(verdict);
  }
  return found;
}

std::optional<RecordOutcomes::Abort> RecordOutcomes::settle(const rd_kafka_message_t& message,
                                                            ProcessOutcome outcome,
                                                            RejectStatus status, unsigned attempt) {
  switch (outcome.status) {
    case Status::ok:
      return std::nullopt;
    case Status::fatal:
      throw Stop{kExitPluginFatal, "plugin " + outcome.plugin + " returned FATAL on " +
                                       describe(message) + ": " + outcome.message};
    case Status::retry:
      if (attempt <= static_cast<unsigned>(options_.max_retries)) {
        retry_attempts_[record_id(message)] = attempt;
        return Abort{AbortReason::kPluginRetry,
                     "plugin " + outcome.plugin + " asked to retry " + describe(message) +
                         " (attempt " + std::to_string(attempt) + "): " + outcome.message};
      }
      outcome.status = Status::record_error;
      outcome.message = "still failing after " + std::to_string(options_.max_retries) +
                        " retries: " + outcome.message;
      status = RejectStatus::kRetryExhausted;
      [[fallthrough]];
    case Status::record_error:
      if (writer_->written_for_input() > 0) {
        // Part of this record's output is already in the transaction: take it back by aborting,
        // and apply the error policy when the record comes round again.
        verdicts_[record_id(message)] = {outcome, status};
        return Abort{
            AbortReason::kRecordFailedOutput,
            "record " + describe(message) + " failed after writing output: " + outcome.message};
      }
      return apply_error_policy(message, outcome, status, attempt);
  }
  return std::nullopt;
}

std::optional<RecordOutcomes::Abort> RecordOutcomes::apply_error_policy(
    const rd_kafka_message_t& message, const ProcessOutcome& outcome, RejectStatus status,
    unsigned attempt) {
  const std::string where = describe(message);
  switch (options_.on_record_error) {
    case ErrorPolicy::kFail:
      throw Stop{kExitPluginFatal, std::string(to_string(status)) + " on " + where + " (plugin " +
                                       outcome.plugin + "): " + outcome.message +
                                       "; error policy is fail"};
    case ErrorPolicy::kSkip:
      log_.warn("skipping {} ({}, plugin {}): {}", where, to_string(status), outcome.plugin,
                outcome.message);
      observer_.on_record_skipped();
      return std::nullopt;
    case ErrorPolicy::kDeadLetter: {
      // The envelope goes into the same transaction as the input's offset: exactly once.
      const std::string letter = make_dead_letter(message, outcome, status, attempt);
      OutputRecord record;
      record.key = message.key;
      record.key_len = message.key_len;
      record.value = letter.data();
      record.value_len = letter.size();
      if (!writer_->write_to(dead_letter_topic_, record)) {
        // An abortable transaction refuses every further output: abort, rewind and replay.
        if (writer_->failure_code() == RD_KAFKA_RESP_ERR__STATE) {
          return Abort{AbortReason::kProduceFailed,
                       "dead-lettering " + where + ": " + writer_->failure()};
        }
        throw Stop{writer_->failure_code() == RD_KAFKA_RESP_ERR__FATAL ? kExitKafkaFatal
                                                                       : kExitPluginFatal,
                   "cannot dead-letter " + where + ": " + writer_->failure()};
      }
      log_.warn("dead-lettered {} to {} ({}, plugin {}): {}", where, options_.dead_letter_topic,
                to_string(status), outcome.plugin, outcome.message);
      observer_.on_record_dead_lettered();
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// A record's RETRY attempts are forgotten once its offset is committed, and only then: records
// of other partitions committing in between must not reset the count, or a record that always
// asks to retry would never reach max_retries.
void RecordOutcomes::forget_committed_retries(const InputOffsets& committed) {
  if (retry_attempts_.empty()) return;
  for (auto it = retry_attempts_.begin(); it != retry_attempts_.end();) {
    const std::optional<int64_t> next = committed.next(it->first.partition);
    if (next && it->first.offset < *next) {
      it = retry_attempts_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace txform::engine
