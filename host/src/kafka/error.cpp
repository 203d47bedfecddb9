#include "kafka/error.hpp"

#include "kafka/handles.hpp"

namespace txform::kafka {

Error Error::from(const char* call, rd_kafka_error_t* raw) {
  ErrorPtr error(raw);
  // Fatal wins over the others: a fenced producer may also report "requires abort". An error
  // that requires an abort is never retried, even when it is marked retriable as well.
  ErrorClass error_class = ErrorClass::kOther;
  if (rd_kafka_error_is_fatal(error.get())) {
    error_class = ErrorClass::kFatal;
  } else if (rd_kafka_error_txn_requires_abort(error.get())) {
    error_class = ErrorClass::kRequiresAbort;
  } else if (rd_kafka_error_is_retriable(error.get())) {
    error_class = ErrorClass::kRetriable;
  }
  return Error(std::string(call) + ": " + rd_kafka_error_string(error.get()),
               rd_kafka_error_code(error.get()), error_class);
}

}  // namespace txform::kafka
