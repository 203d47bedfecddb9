// txform's one C++ status type (C++17), shared by the SDK and the host: what a plugin call came
// to. Its values are plugin.h's, so crossing the C ABI is a cast on the way out; on the way in the
// host maps any value plugin.h does not list to fatal, as plugin.h says.
#pragma once

#include <txform/plugin.h>

namespace txform {

enum class Status : txform_status {
  ok = TXFORM_STATUS_OK,
  record_error = TXFORM_STATUS_RECORD_ERROR,
  retry = TXFORM_STATUS_RETRY,
  fatal = TXFORM_STATUS_FATAL,
};

// The status name as plugin.h spells it: OK, RECORD_ERROR, RETRY, FATAL.
constexpr const char* to_string(Status status) noexcept {
  switch (status) {
    case Status::ok:
      return "OK";
    case Status::record_error:
      return "RECORD_ERROR";
    case Status::retry:
      return "RETRY";
    case Status::fatal:
      break;
  }
  return "FATAL";
}

}  // namespace txform
