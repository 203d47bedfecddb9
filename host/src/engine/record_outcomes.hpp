// What becomes of a record the plugin chain did not take: bounded RETRY, the error policy (fail,
// skip, dead_letter), and what replays after an abort must remember about each record. The loop
// stays in charge of the transaction: a record that needs one aborted says so (Abort).
#pragma once

#include <librdkafka/rdkafka.h>
#include <spdlog/logger.h>

#include <map>
#include <optional>
#include <string>

#include "engine/dead_letter.hpp"
#include "engine/input_offsets.hpp"
#include "engine/loop_observer.hpp"
#include "engine/options.hpp"
#include "engine/output_writer.hpp"
#include "engine/record_processor.hpp"
#include "engine/topic_partition.hpp"

namespace txform::engine {

class RecordOutcomes {
 public:
  // Decided about a record before the abort that took back its partial output.
  struct Verdict {
    ProcessOutcome outcome;
    RejectStatus status = RejectStatus::kRecordError;
  };
  // A record as it comes round: which attempt this is, and its verdict if one was decided.
  struct Standing {
    unsigned attempt = 1;
    std::optional<Verdict> verdict;
  };
  // The open transaction must be aborted and the consumer rewound: the record comes round again.
  struct Abort {
    AbortReason reason;
    std::string why;
  };

  // All three outlive this object.
  RecordOutcomes(const EngineOptions& options, spdlog::logger& log, LoopObserver& observer);

  // The producer's writer (which outlives this object), and the dead-letter topic opened on it
  // under the dead_letter policy.
  void use_writer(OutputWriter& writer);

  // Looks `message` up among the records replayed after an abort; per record, so nothing is
  // looked up while nothing is replayed. Takes its verdict, if any.
  Standing standing(const rd_kafka_message_t& message);

  // What `outcome` (the chain's, or a verdict's) means for `message`: nullopt when its offset
  // may commit (processed, skipped or dead-lettered), an Abort when the transaction must be
  // aborted first. Throws Stop on FATAL, under the fail policy, and when dead-lettering fails.
  std::optional<Abort> settle(const rd_kafka_message_t& message, ProcessOutcome outcome,
                              RejectStatus status, unsigned attempt);

  // The transaction holding `committed` (next offset per partition) has committed.
  void forget_committed_retries(const InputOffsets& committed);

 private:
  std::optional<Abort> apply_error_policy(const rd_kafka_message_t& message,
                                          const ProcessOutcome& outcome, RejectStatus status,
                                          unsigned attempt);

  const EngineOptions& options_;
  spdlog::logger& log_;
  LoopObserver& observer_;
  OutputWriter* writer_ = nullptr;
  rd_kafka_topic_t* dead_letter_topic_ = nullptr;

  // Records replayed after an abort: plugin RETRY attempts, and verdicts decided before the
  // abort (a record whose outputs were partly written when it failed).
  std::map<RecordId, unsigned> retry_attempts_;
  std::map<RecordId, Verdict> verdicts_;
};

}  // namespace txform::engine
