#include "config/defaults.hpp"

#include <stdexcept>

#include "config/schema.hpp"

namespace txform::config {

void apply_defaults(google::protobuf::Message& message) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto& field = *descriptor->field(i);
    if (field.is_repeated()) continue;
    if (field.cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      apply_defaults(*reflection->MutableMessage(&message, &field));
      continue;
    }
    const auto text = default_text(field);
    // A default that does not fit its own field is a bug in config.proto, caught by every test.
    if (text && !set_scalar(message, field, *text)) {
      throw std::logic_error("config.proto: bad (default_value) on " + field.full_name());
    }
  }
}

}  // namespace txform::config
