#include "config/schema.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "txform/config.pb.h"

namespace txform::config {
namespace {

using google::protobuf::FieldDescriptor;

// Parses the whole of `text` as a T; nullopt on any leftover character or overflow.
template <typename T>
std::optional<T> parse_number(const std::string& text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// Lower case, with '-' read as '_' so `dead-letter` and `dead_letter` both work.
std::string normalise_enum_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The value of an enum whose YAML name is `text`, or nullptr.
const google::protobuf::EnumValueDescriptor* find_enum_value(const FieldDescriptor& field,
                                                             const std::string& text) {
  const auto* type = field.enum_type();
  const std::string wanted = normalise_enum_text(text);
  for (int i = 0; i < type->value_count(); ++i) {
    if (enum_yaml_name(*type->value(i)) == wanted) return type->value(i);
  }
  return nullptr;
}

// YAML 1.1's yes/no/on/off are refused on purpose: `country: no` style surprises are worse than
// asking for true/false.
std::optional<bool> parse_bool(const std::string& text) {
  const std::string lower = normalise_enum_text(text);
  if (lower == "true") return true;
  if (lower == "false") return false;
  return std::nullopt;
}

}  // namespace

bool is_required(const FieldDescriptor& field) {
  return field.options().GetExtension(v1::required);
}

bool is_secret(const FieldDescriptor& field) {
  return field.options().GetExtension(v1::secret);
}

std::optional<std::string> default_text(const FieldDescriptor& field) {
  if (!field.options().HasExtension(v1::default_value)) return std::nullopt;
  return field.options().GetExtension(v1::default_value);
}

std::string enum_yaml_name(const google::protobuf::EnumValueDescriptor& value) {
  return normalise_enum_text(value.name());
}

std::string expected_text(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
      return "an integer";
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "a non-negative integer";
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return "a number";
    case FieldDescriptor::CPPTYPE_BOOL:
      return "true or false";
    case FieldDescriptor::CPPTYPE_STRING:
      return "a string";
    case FieldDescriptor::CPPTYPE_ENUM: {
      std::string names;
      for (int i = 0; i < field.enum_type()->value_count(); ++i) {
        names += (i == 0 ? "" : ", ") + enum_yaml_name(*field.enum_type()->value(i));
      }
      return "one of: " + names;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return "a mapping";
  }
  return "a value";
}

bool set_scalar(google::protobuf::Message& message, const FieldDescriptor& field,
                const std::string& text) {
  const auto* reflection = message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      auto value = parse_number<std::int32_t>(text);
      if (!value) return false;
      repeated ? reflection->AddInt32(&message, &field, *value)
               : reflection->SetInt32(&message, &field, *value);
      return true;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      auto value = parse_number<std::int64_t>(text);
      if (!value) return false;
      repeated ? reflection->AddInt64(&message, &field, *value)
               : reflection->SetInt64(&message, &field, *value);
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      auto value = parse_number<std::uint32_t>(text);
      if (!value) return false;
      repeated ? reflection->AddUInt32(&message, &field, *value)
               : reflection->SetUInt32(&message, &field, *value);
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      auto value = parse_number<std::uint64_t>(text);
      if (!value) return false;
      repeated ? reflection->AddUInt64(&message, &field, *value)
               : reflection->SetUInt64(&message, &field, *value);
      return true;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      auto value = parse_number<double>(text);
      if (!value) return false;
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        const auto narrow = static_cast<float>(*value);
        repeated ? reflection->AddFloat(&message, &field, narrow)
                 : reflection->SetFloat(&message, &field, narrow);
      } else {
        repeated ? reflection->AddDouble(&message, &field, *value)
                 : reflection->SetDouble(&message, &field, *value);
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      auto value = parse_bool(text);
      if (!value) return false;
      repeated ? reflection->AddBool(&message, &field, *value)
               : reflection->SetBool(&message, &field, *value);
      return true;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? reflection->AddString(&message, &field, text)
               : reflection->SetString(&message, &field, text);
      return true;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = find_enum_value(field, text);
      if (value == nullptr) return false;
      repeated ? reflection->AddEnum(&message, &field, value)
               : reflection->SetEnum(&message, &field, value);
      return true;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return false;
  }
  return false;
}

}  // namespace txform::config
