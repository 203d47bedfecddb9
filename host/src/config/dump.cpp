#include "config/dump.hpp"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <vector>

#include "config/schema.hpp"
#include "config/secrets.hpp"

namespace txform::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Writes a message's fields as lines under `prefix`.
class Dumper {
 public:
  explicit Dumper(const std::set<std::string>& secret_paths) : secret_paths_(secret_paths) {}

  void dump_message(const Message& message, const std::string& prefix) {
    const auto& type = *message.GetDescriptor();
    for (int i = 0; i < type.field_count(); ++i) {
      const auto& field = *type.field(i);
      const std::string path = prefix.empty() ? field.name() : prefix + "." + field.name();
      if (field.is_map()) {
        map(message, field, path);
      } else if (field.is_repeated()) {
        repeated(message, field, path);
      } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        dump_message(message.GetReflection()->GetMessage(message, &field), path);
      } else {
        line(path, scalar(message, field, -1), is_secret(field));
      }
    }
  }

  std::string take() { return std::move(text_); }

 private:
  void line(const std::string& path, const std::string& value, bool secret) {
    secret = secret || secret_paths_.count(path) != 0;
    text_ += path + " = " + (secret ? std::string(kRedacted) : value) + "\n";
  }

  // A scalar field (or element `index` of a repeated one) as it would be written in YAML.
  static std::string scalar(const Message& message, const FieldDescriptor& field, int index) {
    const auto* r = message.GetReflection();
    const bool rep = index >= 0;
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return std::to_string(rep ? r->GetRepeatedInt32(message, &field, index)
                                  : r->GetInt32(message, &field));
      case FieldDescriptor::CPPTYPE_INT64:
        return std::to_string(rep ? r->GetRepeatedInt64(message, &field, index)
                                  : r->GetInt64(message, &field));
      case FieldDescriptor::CPPTYPE_UINT32:
        return std::to_string(rep ? r->GetRepeatedUInt32(message, &field, index)
                                  : r->GetUInt32(message, &field));
      case FieldDescriptor::CPPTYPE_UINT64:
        return std::to_string(rep ? r->GetRepeatedUInt64(message, &field, index)
                                  : r->GetUInt64(message, &field));
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return std::to_string(rep ? r->GetRepeatedDouble(message, &field, index)
                                  : r->GetDouble(message, &field));
      case FieldDescriptor::CPPTYPE_FLOAT:
        return std::to_string(rep ? r->GetRepeatedFloat(message, &field, index)
                                  : r->GetFloat(message, &field));
      case FieldDescriptor::CPPTYPE_BOOL:
        return (rep ? r->GetRepeatedBool(message, &field, index) : r->GetBool(message, &field))
                   ? "true"
                   : "false";
      case FieldDescriptor::CPPTYPE_ENUM:
        return enum_yaml_name(rep ? *r->GetRepeatedEnum(message, &field, index)
                                  : *r->GetEnum(message, &field));
      case FieldDescriptor::CPPTYPE_STRING:
        return rep ? r->GetRepeatedString(message, &field, index) : r->GetString(message, &field);
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
    return "";
  }

  void repeated(const Message& message, const FieldDescriptor& field, const std::string& path) {
    const int size = message.GetReflection()->FieldSize(message, &field);
    if (size == 0) line(path, "[]", false);
    for (int i = 0; i < size; ++i) {
      const std::string element = path + "[" + std::to_string(i) + "]";
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        dump_message(message.GetReflection()->GetRepeatedMessage(message, &field, i), element);
      } else {
        line(element, scalar(message, field, i), is_secret(field));
      }
    }
  }

  // Map entries sorted by key, so two dumps of one config are identical.
  void map(const Message& message, const FieldDescriptor& field, const std::string& path) {
    const auto* r = message.GetReflection();
    const auto& key_field = *field.message_type()->map_key();
    const auto& value_field = *field.message_type()->map_value();
    std::vector<std::pair<std::string, std::string>> entries;
    for (int i = 0; i < r->FieldSize(message, &field); ++i) {
      const Message& entry = r->GetRepeatedMessage(message, &field, i);
      entries.emplace_back(scalar(entry, key_field, -1), scalar(entry, value_field, -1));
    }
    std::sort(entries.begin(), entries.end());
    if (entries.empty()) line(path, "{}", false);
    for (const auto& [key, value] : entries) {
      line(path + "." + key, value, is_secret(field) || is_secret_name(key));
    }
  }

  const std::set<std::string>& secret_paths_;
  std::string text_;
};

}  // namespace

std::string redacted_dump(const v1::Config& config, const std::set<std::string>& secret_paths) {
  Dumper dumper(secret_paths);
  dumper.dump_message(config, "");
  return dumper.take();
}

std::string redacted_dump(const LoadedConfig& loaded) {
  return redacted_dump(loaded.config, loaded.secret_paths);
}

}  // namespace txform::config
