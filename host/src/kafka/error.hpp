// One error type for librdkafka failures, carrying librdkafka's own classification.
#pragma once

#include <librdkafka/rdkafka.h>

#include <stdexcept>
#include <string>

namespace txform::kafka {

// How the transactional state machine must react to an error (librdkafka's classification).
enum class ErrorClass {
  kRetriable,      // call the same API again (timeouts included); never abort after ambiguity
  kRequiresAbort,  // abort the transaction, rewind the consumer, continue
  kFatal,          // the producer is unusable (fenced, ...): stop and let a supervisor restart
  kOther,          // a plain failure with no transactional meaning
};

class Error : public std::runtime_error {
 public:
  Error(std::string what, rd_kafka_resp_err_t code, ErrorClass error_class)
      : std::runtime_error(std::move(what)), code_(code), class_(error_class) {}

  // Takes ownership of `error` and classifies it; `call` names the API for the message.
  static Error from(const char* call, rd_kafka_error_t* error);

  rd_kafka_resp_err_t code() const { return code_; }
  bool is_fatal() const { return class_ == ErrorClass::kFatal; }
  // False for an error that requires an abort even when librdkafka also calls it retriable:
  // retrying a call in a transaction that can only be aborted would never end.
  bool is_retriable() const { return class_ == ErrorClass::kRetriable; }

 private:
  rd_kafka_resp_err_t code_;
  ErrorClass class_;
};

}  // namespace txform::kafka
