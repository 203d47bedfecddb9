#include "authoring/local_runner.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <txform/status.hpp>

#include "plugin/plugin_chain.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/records.hpp"

namespace txform::authoring {
namespace {

using Json = nlohmann::ordered_json;

// One input line's record, owning the bytes the InputRecord views point at.
struct OwnedInput {
  std::string topic = "input";
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int64_t timestamp_ms = TXFORM_TIMESTAMP_UNSET;
};

// A string or null field of a record line; `where` is "file:line".
std::optional<std::string> optional_string(const Json& field, const std::string& where,
                                           const std::string& name) {
  if (field.is_null()) return std::nullopt;
  if (!field.is_string()) {
    throw LocalRunError(
        fmt::format("{}: \"{}\" must be a string or null, got {}", where, name, field.dump()));
  }
  return field.get<std::string>();
}

int64_t integer(const Json& field, const std::string& where, const std::string& name) {
  if (!field.is_number_integer()) {
    throw LocalRunError(
        fmt::format("{}: \"{}\" must be an integer, got {}", where, name, field.dump()));
  }
  return field.get<int64_t>();
}

// Parses one JSON-lines record: {"key", "value", "headers", "topic", "partition", "offset",
// "timestamp_ms"}, every field optional; headers as {"name": "value"} or [["name", "value"]].
OwnedInput parse_record(const std::string& line, const std::string& where, int64_t index) {
  Json json;
  try {
    json = Json::parse(line);
  } catch (const Json::parse_error& e) {
    throw LocalRunError(fmt::format("{}: not JSON: {}", where, e.what()));
  }
  if (!json.is_object()) {
    throw LocalRunError(
        fmt::format("{}: a record must be a JSON object, got {}", where, json.dump()));
  }
  OwnedInput record;
  record.offset = index;
  for (const auto& [name, field] : json.items()) {
    if (name == "key") {
      record.key = optional_string(field, where, name);
    } else if (name == "value") {
      record.value = optional_string(field, where, name);
    } else if (name == "topic") {
      const auto topic = optional_string(field, where, name);
      if (!topic || topic->empty()) {
        throw LocalRunError(fmt::format("{}: \"topic\" must be a non-empty string", where));
      }
      record.topic = *topic;
    } else if (name == "partition") {
      const int64_t partition = integer(field, where, name);
      if (partition < 0 || partition > INT32_MAX) {
        throw LocalRunError(
            fmt::format("{}: \"partition\" must be 0 or more, got {}", where, partition));
      }
      record.partition = static_cast<int32_t>(partition);
    } else if (name == "offset") {
      record.offset = integer(field, where, name);
    } else if (name == "timestamp_ms") {
      record.timestamp_ms = integer(field, where, name);
    } else if (name == "headers") {
      if (field.is_object()) {
        for (const auto& [header, header_value] : field.items()) {
          record.headers.emplace_back(header,
                                      optional_string(header_value, where, "headers." + header));
        }
      } else if (field.is_array()) {
        for (const auto& pair : field) {
          if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string()) {
            throw LocalRunError(
                fmt::format("{}: each of \"headers\" must be [\"name\", \"value\" or null], got {}",
                            where, pair.dump()));
          }
          const std::string header = pair[0].get<std::string>();
          record.headers.emplace_back(header, optional_string(pair[1], where, "headers." + header));
        }
      } else {
        throw LocalRunError(fmt::format(
            "{}: \"headers\" must be an object or an array of [name, value] pairs", where));
      }
    } else {
      throw LocalRunError(fmt::format(
          "{}: unknown field \"{}\" (known: key, value, headers, topic, partition, offset, "
          "timestamp_ms)",
          where, name));
    }
  }
  return record;
}

// The plugin specs of the chain, with each --config entry given to its plugin.
std::vector<plugin::PluginSpec> chain_specs(const LocalRunOptions& options) {
  if (options.plugins.empty()) throw LocalRunError("--plugins names no plugin");
  std::vector<plugin::PluginSpec> specs;
  for (const std::string& name : options.plugins) {
    if (name.empty()) throw LocalRunError("--plugins has an empty name");
    specs.push_back(plugin::PluginSpec{name, {}});
  }
  for (const std::string& entry : options.config) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw LocalRunError(fmt::format("--config '{}' is not KEY=VALUE", entry));
    }
    std::string key = entry.substr(0, eq);
    const std::string value = entry.substr(eq + 1);
    plugin::PluginSpec* target = nullptr;
    if (const size_t dot = key.find('.'); dot != std::string::npos) {
      for (auto& spec : specs) {
        if (spec.name == key.substr(0, dot)) target = &spec;
      }
      if (target != nullptr) key = key.substr(dot + 1);
    }
    if (target == nullptr) {
      if (specs.size() > 1) {
        throw LocalRunError(fmt::format(
            "--config '{}': the chain has {} plugins; say which one as PLUGIN.KEY=VALUE", entry,
            specs.size()));
      }
      target = &specs.front();
    }
    target->config[key] = value;
  }
  return specs;
}

// What `txform run` would do with a failed record, under the error policy.
std::string consequence(Status status, size_t outputs, const std::string& policy) {
  std::string then;
  if (status == Status::record_error && outputs > 0) {
    then = fmt::format(
        "its {} output(s) are taken back (the transaction aborts and replays), then ", outputs);
  }
  std::string policy_text;
  if (policy == "fail") {
    policy_text = "txform run stops with exit code 4 (on_record_error: fail)";
  } else if (policy == "skip") {
    policy_text = "txform run logs and skips the record (on_record_error: skip)";
  } else {
    policy_text = "txform run writes it to the dead letter topic (on_record_error: dead_letter)";
  }
  switch (status) {
    case Status::record_error:
      return then + policy_text;
    case Status::retry:
      return "txform run aborts the transaction and replays it, up to error_policy.max_retries "
             "times; if it still fails, " +
             policy_text;
    case Status::fatal:
      return "txform run stops with exit code 4 without committing";
    case Status::ok:
      break;
  }
  return "";
}

Json bytes_json(std::string_view bytes) {
  return bytes.data() == nullptr ? Json(nullptr) : Json(std::string(bytes));
}

// One output as JSON: key and value always, the rest only when set.
Json output_json(const plugin::OutputRecord& record) {
  Json out{{"key", bytes_json(record.key)}, {"value", bytes_json(record.value)}};
  if (!record.headers.empty()) {
    Json headers = Json::array();
    for (const auto& h : record.headers) {
      headers.push_back(
          Json::array({std::string(h.key.data, h.key.size),
                       h.value.data == nullptr ? Json(nullptr)
                                               : Json(std::string(h.value.data, h.value.size))}));
    }
    out["headers"] = std::move(headers);
  }
  if (record.topic) out["topic"] = std::string(*record.topic);
  if (record.partition) out["partition"] = *record.partition;
  if (record.timestamp_ms) out["timestamp_ms"] = *record.timestamp_ms;
  return out;
}

// Non-UTF-8 bytes print as U+FFFD rather than failing the run.
std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

LocalRunSummary run_local(const LocalRunOptions& options, std::ostream& out, std::ostream& log) {
  if (options.on_record_error != "fail" && options.on_record_error != "skip" &&
      options.on_record_error != "dead_letter") {
    throw LocalRunError(fmt::format("--on-record-error '{}' is not one of fail, skip, dead_letter",
                                    options.on_record_error));
  }
  const auto specs = chain_specs(options);
  std::ifstream input(options.input);
  if (!input) {
    throw LocalRunError(fmt::format("{}: cannot open the input records", options.input.string()));
  }
  const plugin::PluginLogger logger = [&log](plugin::LogLevel level, std::string_view source,
                                             std::string_view message) {
    static constexpr const char* kNames[] = {"trace", "debug", "info", "warning", "error"};
    log << "txform plugin test: " << kNames[static_cast<int>(level)] << ": " << source << ": "
        << message << '\n';
  };
  const auto chain =
      plugin::load_plugin_chain(options.plugin_dir, specs, options.allow_insecure, logger)
          .make_chain();

  LocalRunSummary summary;
  Json outputs = Json::array();
  plugin::FunctionSink sink(
      [&outputs](const plugin::OutputRecord& r) { outputs.push_back(output_json(r)); });
  // Reports one call's result as a JSON line and counts it.
  auto report = [&](Json line, const plugin::ProcessResult& result, const std::string& where) {
    const Status status = result.status;
    line["status"] = to_string(status);
    line["outputs"] = std::move(outputs);
    outputs = Json::array();
    const bool is_record = line.contains("line");
    if (status == Status::ok) {
      summary.ok += is_record ? 1 : 0;
    } else {
      summary.not_ok += is_record ? 1 : 0;
      line["plugin"] = std::string(result.plugin);
      line["message"] = std::string(result.message);
      line["then"] = consequence(status, line["outputs"].size(), options.on_record_error);
      const bool stops = status == Status::fatal ||
                         (status == Status::record_error && options.on_record_error == "fail");
      if (stops && !summary.would_stop) {
        summary.would_stop = true;
        summary.first_stop = fmt::format("{}: {} from {}: {}", where, to_string(status),
                                         result.plugin, result.message);
      }
    }
    out << dump(line) << '\n';
  };

  std::string text;
  int64_t line_number = 0;
  while (std::getline(input, text)) {
    ++line_number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
    const std::string where = fmt::format("{}:{}", options.input.string(), line_number);
    const OwnedInput owned = parse_record(text, where, static_cast<int64_t>(summary.records));
    std::vector<plugin::HeaderView> headers;
    for (const auto& [name, value] : owned.headers) {
      headers.push_back(
          plugin::make_header(name, value ? std::string_view(*value) : std::string_view()));
    }
    plugin::InputRecord record;
    record.topic = owned.topic;
    record.partition = owned.partition;
    record.offset = owned.offset;
    record.key = owned.key ? std::string_view(*owned.key) : std::string_view();
    record.value = owned.value ? std::string_view(*owned.value) : std::string_view();
    record.headers = headers;
    record.timestamp_ms = owned.timestamp_ms;
    ++summary.records;
    report(Json{{"line", line_number}}, chain->process(record, sink), where);
  }
  if (input.bad()) {
    throw LocalRunError(fmt::format("{}: read error", options.input.string()));
  }
  // As before a commit: flush, then (if that went well) on_commit.
  const auto flushed = chain->flush(sink);
  report(Json{{"flush", true}}, flushed, "flush()");
  if (flushed.ok()) {
    const auto committed = chain->on_commit();
    if (!committed.ok()) report(Json{{"on_commit", true}}, committed, "on_commit()");
  }
  return summary;
}

}  // namespace txform::authoring
