// What config.proto's field options say about a field, and how one text value is typed into it.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <optional>
#include <string>

namespace txform::config {

// True when the field carries `(required) = true`.
bool is_required(const google::protobuf::FieldDescriptor& field);

// True when the field carries `(secret) = true`.
bool is_secret(const google::protobuf::FieldDescriptor& field);

// The field's `(default_value)` text, if it has one.
std::optional<std::string> default_text(const google::protobuf::FieldDescriptor& field);

// The YAML spelling of a type ("an unsigned integer", "true or false", "one of: a, b").
std::string expected_text(const google::protobuf::FieldDescriptor& field);

// Types `text` by the field's type and sets it (appends for a repeated field).
// Returns false, leaving the message untouched, when the text does not fit the type.
bool set_scalar(google::protobuf::Message& message, const google::protobuf::FieldDescriptor& field,
                const std::string& text);

// The YAML spelling of an enum value: its proto name in lower case.
std::string enum_yaml_name(const google::protobuf::EnumValueDescriptor& value);

}  // namespace txform::config
