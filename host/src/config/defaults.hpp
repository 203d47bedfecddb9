// Writes config.proto's `(default_value)` options into a message, before the YAML is read over it.
#pragma once

#include <google/protobuf/message.h>

namespace txform::config {

// Sets every field that has a `(default_value)`, recursing into singular message fields.
// Repeated message elements get theirs when the reader creates them.
void apply_defaults(google::protobuf::Message& message);

}  // namespace txform::config
