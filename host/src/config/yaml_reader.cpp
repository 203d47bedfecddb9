#include "config/yaml_reader.hpp"

#include <algorithm>
#include <numeric>

#include "config/defaults.hpp"
#include "config/schema.hpp"
#include "config/secrets.hpp"

namespace txform::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The edit distance between two short names, for "did you mean" hints.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// What kind of YAML node this is, in words.
std::string node_kind(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "a scalar";
}

// `parent.name`, or `name` at the top.
std::string join_path(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

// Walks one document, collecting every problem instead of stopping at the first.
class Reader {
 public:
  Reader(const std::string& file, const EnvLookup& env) : file_(file), env_(env) {}

  // Fills `message` from a mapping node.
  void read_message(const YAML::Node& node, Message& message, const std::string& path);

  // Reports (required) fields that are empty, recursing into singular and repeated messages.
  void check_required(const Message& message, const std::string& path);

  ReadResult take() { return std::move(result_); }

  // Records an error at a node.
  void error(const YAML::Node& node, const std::string& path, const std::string& message) {
    const YAML::Mark mark = node.Mark();
    error_at(path, {mark.line + 1, mark.column + 1}, message);
  }

 private:
  void error_at(const std::string& path, Location where, const std::string& message) {
    result_.errors.push_back({file_, path, where.line, where.column, message});
  }
  void remember(const std::string& path, const YAML::Node& node) {
    result_.locations[path] = {node.Mark().line + 1, node.Mark().column + 1};
  }
  // Calls visit(key, key_path, entry) for each entry of a mapping whose key is a plain name seen
  // for the first time there (its location remembered); reports the others.
  template <class Visit>
  void for_each_key(const YAML::Node& node, const std::string& path, Visit visit);
  void read_field(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                  const std::string& path);
  void read_map(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                const std::string& path);
  void read_scalar(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                   const std::string& path, bool secret);
  std::optional<std::string> expanded(const YAML::Node& node, const std::string& path);
  std::string unknown_key_hint(const google::protobuf::Descriptor& type, const std::string& key);
  Location location_of(const std::string& path) const;
  // Where to report a required value that is missing at `path`, inside `parent`.
  Location location_of_missing(const std::string& path, const std::string& parent) const;

  const std::string& file_;
  const EnvLookup& env_;
  ReadResult result_;
};

std::string Reader::unknown_key_hint(const google::protobuf::Descriptor& type,
                                     const std::string& key) {
  const FieldDescriptor* best = nullptr;
  std::size_t best_distance = 0;
  for (int i = 0; i < type.field_count(); ++i) {
    const std::size_t distance = edit_distance(key, type.field(i)->name());
    if (best == nullptr || distance < best_distance) {
      best = type.field(i);
      best_distance = distance;
    }
  }
  if (best != nullptr && best_distance <= std::max<std::size_t>(2, key.size() / 3)) {
    return "; did you mean '" + best->name() + "'?";
  }
  if (key.find('.') != std::string::npos) {
    return "; librdkafka properties go under kafka.common, kafka.consumer or kafka.producer";
  }
  return "; see proto/txform/config.proto for the keys";
}

template <class Visit>
void Reader::for_each_key(const YAML::Node& node, const std::string& path, Visit visit) {
  std::set<std::string> seen;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      error(entry.first, path, "keys must be plain names, not " + node_kind(entry.first));
      continue;
    }
    const std::string key = entry.first.Scalar();
    const std::string key_path = join_path(path, key);
    if (!seen.insert(key).second) {
      error(entry.first, key_path, "duplicate key; keep only one");
      continue;
    }
    remember(key_path, entry.first);
    visit(key, key_path, entry);
  }
}

void Reader::read_message(const YAML::Node& node, Message& message, const std::string& path) {
  if (!node.IsMap()) {
    error(node, path, "expected a mapping, got " + node_kind(node));
    return;
  }
  const auto& type = *message.GetDescriptor();
  for_each_key(node, path,
               [&](const std::string& key, const std::string& key_path, const auto& entry) {
                 const FieldDescriptor* field = type.FindFieldByName(key);
                 if (field == nullptr) {
                   error(entry.first, key_path, "unknown key" + unknown_key_hint(type, key));
                   return;
                 }
                 read_field(entry.second, message, *field, key_path);
               });
}

void Reader::read_field(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                        const std::string& path) {
  // `key:` with nothing after it keeps the default, as if the key were not written.
  if (node.IsNull()) return;
  if (field.is_map()) {
    read_map(node, message, field, path);
    return;
  }
  const auto* reflection = message.GetReflection();
  if (field.is_repeated()) {
    if (!node.IsSequence()) {
      error(node, path, "expected a list (e.g. [a, b]), got " + node_kind(node));
      return;
    }
    reflection->ClearField(&message, &field);
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string element_path = path + "[" + std::to_string(i) + "]";
      remember(element_path, node[i]);
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        Message* element = reflection->AddMessage(&message, &field);
        apply_defaults(*element);
        read_message(node[i], *element, element_path);
      } else {
        read_scalar(node[i], message, field, element_path, is_secret(field));
      }
    }
    return;
  }
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    read_message(node, *reflection->MutableMessage(&message, &field), path);
    return;
  }
  read_scalar(node, message, field, path, is_secret(field));
}

void Reader::read_map(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                      const std::string& path) {
  if (!node.IsMap()) {
    error(node, path, "expected a mapping of names to values, got " + node_kind(node));
    return;
  }
  const auto* reflection = message.GetReflection();
  const auto& key_field = *field.message_type()->map_key();
  const auto& value_field = *field.message_type()->map_value();
  reflection->ClearField(&message, &field);
  for_each_key(node, path,
               [&](const std::string& key, const std::string& entry_path, const auto& entry) {
                 Message* pair = reflection->AddMessage(&message, &field);
                 if (!set_scalar(*pair, key_field, key)) {
                   error(entry.first, entry_path, "key must be " + expected_text(key_field));
                   return;
                 }
                 const bool secret = is_secret(field) || is_secret_name(key);
                 // A bare `key:` is an empty string here: librdkafka gives "" a meaning for some
                 // properties.
                 if (entry.second.IsNull()) {
                   pair->GetReflection()->SetString(pair, &value_field, "");
                   return;
                 }
                 read_scalar(entry.second, *pair, value_field, entry_path, secret);
               });
}

std::optional<std::string> Reader::expanded(const YAML::Node& node, const std::string& path) {
  const Substitution substitution = substitute(node.Scalar(), env_);
  if (!substitution.error.empty()) {
    error(node, path, substitution.error);
    return std::nullopt;
  }
  if (substitution.read_file) result_.file_secret_paths.insert(path);
  return substitution.value;
}

void Reader::read_scalar(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                         const std::string& path, bool secret) {
  if (!node.IsScalar()) {
    error(node, path, "expected " + expected_text(field) + ", got " + node_kind(node));
    return;
  }
  const std::optional<std::string> text = expanded(node, path);
  if (!text) return;
  if (set_scalar(message, field, *text)) return;
  // Only the text as written is quoted, never what a ${...} expanded to: that may be a secret.
  const bool substituted = node.Scalar().find("${") != std::string::npos;
  std::string got = secret ? "" : ", got '" + node.Scalar() + "'";
  if (!secret && substituted) got += " (after substitution)";
  error(node, path, "expected " + expected_text(field) + got);
}

Location Reader::location_of(const std::string& path) const {
  const auto found = result_.locations.find(path);
  return found == result_.locations.end() ? Location{} : found->second;
}

Location Reader::location_of_missing(const std::string& path, const std::string& parent) const {
  // Where the key is written (an empty list), else its parent mapping: the key itself is absent.
  const Location at = location_of(path);
  return at.line > 0 ? at : location_of(parent);
}

void Reader::check_required(const Message& message, const std::string& path) {
  const auto& type = *message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < type.field_count(); ++i) {
    const auto& field = *type.field(i);
    const std::string field_path = join_path(path, field.name());
    if (field.is_repeated()) {
      const int size = reflection->FieldSize(message, &field);
      if (is_required(field) && size == 0) {
        error_at(field_path, location_of_missing(field_path, path),
                 "required: give at least one (" + field.name() + ": [...])");
      }
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field.is_map()) {
        for (int j = 0; j < size; ++j) {
          check_required(reflection->GetRepeatedMessage(message, &field, j),
                         field_path + "[" + std::to_string(j) + "]");
        }
      }
      continue;
    }
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      check_required(reflection->GetMessage(message, &field), field_path);
      continue;
    }
    if (is_required(field) && field.cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        reflection->GetString(message, &field).empty()) {
      error_at(field_path, location_of_missing(field_path, path),
               "required: set " + field.name() + " to a non-empty value");
    }
  }
}

}  // namespace

ReadResult read_yaml(const YAML::Node& root, google::protobuf::Message& message,
                     const std::string& file, const EnvLookup& env) {
  Reader reader(file, env);
  if (!root.IsMap()) {
    reader.error(root, "",
                 root.IsNull() ? "the file is empty; a minimal config sets bootstrap_servers, "
                                 "group_id, input_topics, output_topic and plugins"
                               : "the top level must be a mapping of keys to values");
    return reader.take();
  }
  reader.read_message(root, message, "");
  reader.check_required(message, "");
  return reader.take();
}

}  // namespace txform::config
