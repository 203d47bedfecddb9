// txform C++ plugin SDK (header-only, C++17) on top of the C ABI in plugin.h.
//
// A plugin is a class with `process(const txform::RecordView&, txform::Emitter&)`, exported with
// TXFORM_PLUGIN(Class, "name", "version"). Optional members: a constructor taking
// (const txform::Config&, txform::Host&) or (const txform::Config&), `flush(txform::Emitter&)`,
// `on_commit()`, `on_abort()`. Each may return txform::Status or void (= ok).
//
// #include <locale>
// #include <txform/plugin.hpp>
// struct Upper {
//   txform::Status process(const txform::RecordView& in, txform::Emitter& out) {
//     std::string value(in.value());
//     std::use_facet<std::ctype<char>>(std::locale()).toupper(&value[0], &value[0] + value.size());
//     return out.emit(in.with_value(value));
//   }
// };
// TXFORM_PLUGIN(Upper, "upper", "1.0.0")
//
// Exceptions never cross the C ABI: the SDK catches them at the boundary. txform::Error (and its
// RecordError / RetryError / FatalError) becomes its status and message; any other exception is a
// bug the plugin did not classify and becomes FATAL with what().
#pragma once

#include <txform/plugin.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <txform/status.hpp>
#include <type_traits>
#include <utility>
#include <vector>

namespace txform {

enum class LogLevel : txform_log_level {
  trace = TXFORM_LOG_TRACE,
  debug = TXFORM_LOG_DEBUG,
  info = TXFORM_LOG_INFO,
  warn = TXFORM_LOG_WARN,
  error = TXFORM_LOG_ERROR,
};

// An exception carrying the status the SDK returns to the host, with what() as the reason.
class Error : public std::runtime_error {
 public:
  Error(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  Status status() const noexcept { return status_; }

 private:
  Status status_;
};

// This input record is bad (the host applies its error policy, e.g. dead-letter).
struct RecordError : Error {
  explicit RecordError(const std::string& message) : Error(Status::record_error, message) {}
};
// A transient failure (the host aborts the transaction and replays).
struct RetryError : Error {
  explicit RetryError(const std::string& message) : Error(Status::retry, message) {}
};
// Stop the host.
struct FatalError : Error {
  explicit FatalError(const std::string& message) : Error(Status::fatal, message) {}
};

namespace detail {
// A std::string_view over txform_bytes; absent bytes read as empty.
inline std::string_view view(const txform_bytes& bytes) noexcept {
  return bytes.data == nullptr ? std::string_view() : std::string_view(bytes.data, bytes.size);
}
// txform_bytes over a view that is present (possibly empty).
inline txform_bytes bytes(std::string_view v) noexcept {
  return txform_bytes{v.data() == nullptr ? "" : v.data(), v.size()};
}
// txform_bytes over an optional owned string; nullopt stays absent.
inline txform_bytes optional_bytes(const std::optional<std::string>& s) noexcept {
  return s ? txform_bytes{s->data(), s->size()} : txform_bytes{nullptr, 0};
}
}  // namespace detail

// An owned header.
struct Header {
  std::string key;
  std::optional<std::string> value;  // nullopt: a null header value
};

// A borrowed header, valid as long as the record it came from.
class HeaderView {
 public:
  explicit HeaderView(const txform_header& header) noexcept : header_(&header) {}
  std::string_view key() const noexcept { return detail::view(header_->key); }
  bool has_value() const noexcept { return header_->value.data != nullptr; }
  std::string_view value() const noexcept { return detail::view(header_->value); }

 private:
  const txform_header* header_;
};

// The borrowed headers of a record, iterable as HeaderView.
class HeadersView {
 public:
  class iterator {
   public:
    explicit iterator(const txform_header* at) noexcept : at_(at) {}
    HeaderView operator*() const noexcept { return HeaderView(*at_); }
    iterator& operator++() noexcept {
      ++at_;
      return *this;
    }
    bool operator!=(const iterator& other) const noexcept { return at_ != other.at_; }
    bool operator==(const iterator& other) const noexcept { return at_ == other.at_; }

   private:
    const txform_header* at_;
  };

  HeadersView(const txform_header* headers, size_t count) noexcept
      : headers_(headers), count_(count) {}
  iterator begin() const noexcept { return iterator(headers_); }
  iterator end() const noexcept { return iterator(headers_ + count_); }
  size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }

 private:
  const txform_header* headers_;
  size_t count_;
};

// An owned output record: what a plugin builds when it needs to own the bytes.
struct Record {
  std::optional<std::string> key;    // nullopt: a null key
  std::optional<std::string> value;  // nullopt: a null value (a tombstone)
  std::vector<Header> headers;
  std::optional<int64_t> timestamp_ms;  // nullopt: inherited in a chain, else the host decides
  std::optional<std::string> topic;     // nullopt: the default output topic
  std::optional<int32_t> partition;     // nullopt: the producer's partitioner
};

// A borrowed input record: valid until the process() call that received it returns. It points
// at the host's record rather than copying it: copying freshly written memory with wide loads
// stalls store forwarding, a measurable share of the per-record cost.
class RecordView {
 public:
  explicit RecordView(const txform_record& record) noexcept : record_(&record) {}

  std::string_view topic() const noexcept { return detail::view(record_->topic); }
  int32_t partition() const noexcept { return record_->partition; }
  int64_t offset() const noexcept { return record_->offset; }
  std::optional<int64_t> timestamp_ms() const noexcept {
    if (record_->timestamp_ms == TXFORM_TIMESTAMP_UNSET) return std::nullopt;
    return record_->timestamp_ms;
  }
  bool has_key() const noexcept { return key_bytes().data != nullptr; }
  std::string_view key() const noexcept { return detail::view(key_bytes()); }
  bool has_value() const noexcept { return value_bytes().data != nullptr; }
  std::string_view value() const noexcept { return detail::view(value_bytes()); }
  HeadersView headers() const noexcept {
    return HeadersView(record_->headers, record_->header_count);
  }

  // The value of the first header named `key`; nullopt when there is none (or it is null).
  std::optional<std::string_view> header(std::string_view key) const noexcept {
    for (HeaderView h : headers()) {
      if (h.key() == key) return h.has_value() ? std::optional(h.value()) : std::nullopt;
    }
    return std::nullopt;
  }

  // This record with another value (or key), still borrowed: the new bytes must outlive it.
  RecordView with_value(std::string_view value) const noexcept {
    RecordView copy = *this;
    copy.value_ = detail::bytes(value);
    copy.value_replaced_ = true;
    return copy;
  }
  RecordView with_key(std::string_view key) const noexcept {
    RecordView copy = *this;
    copy.key_ = detail::bytes(key);
    copy.key_replaced_ = true;
    return copy;
  }
  // A view onto a temporary std::string would dangle, so it does not compile.
  template <class S, std::enable_if_t<std::is_same_v<S, std::string>, int> = 0>
  RecordView with_value(S&&) const = delete;
  template <class S, std::enable_if_t<std::is_same_v<S, std::string>, int> = 0>
  RecordView with_key(S&&) const = delete;

  // An owned copy of the key, value, headers and timestamp.
  Record to_owned() const {
    Record out;
    if (has_key()) out.key = std::string(key());
    if (has_value()) out.value = std::string(value());
    for (HeaderView h : headers()) {
      out.headers.push_back(Header{std::string(h.key()), h.has_value()
                                                             ? std::optional<std::string>(h.value())
                                                             : std::nullopt});
    }
    out.timestamp_ms = timestamp_ms();
    return out;
  }

  // The ABI record this view reads (without with_key / with_value replacements).
  const txform_record& source() const noexcept { return *record_; }
  const txform_bytes& key_bytes() const noexcept { return key_replaced_ ? key_ : record_->key; }
  const txform_bytes& value_bytes() const noexcept {
    return value_replaced_ ? value_ : record_->value;
  }

 private:
  const txform_record* record_;
  txform_bytes key_{nullptr, 0};
  txform_bytes value_{nullptr, 0};
  bool key_replaced_ = false;
  bool value_replaced_ = false;
};

// Sends output records to the host, which copies them before emit returns.
class Emitter {
 public:
  Emitter(const txform_host_api* api, txform_emitter* handle,
          std::vector<txform_header>* scratch) noexcept
      : api_(api), handle_(handle), scratch_(scratch) {}

  // Emits a view's key, value, headers and timestamp to the default topic, without copying.
  Status emit(const RecordView& record) noexcept {
    const txform_record& r = record.source();
    const txform_bytes& key = record.key_bytes();
    const txform_bytes& value = record.value_bytes();
    txform_output out;
    out.struct_size = sizeof(txform_output);
    out.topic.data = nullptr;
    out.topic.size = 0;
    // Field by field rather than struct copies: see RecordView on store forwarding.
    out.key.data = key.data;
    out.key.size = key.size;
    out.value.data = value.data;
    out.value.size = value.size;
    out.headers = r.headers;
    out.header_count = r.header_count;
    out.timestamp_ms = r.timestamp_ms;
    out.partition = TXFORM_PARTITION_UNSET;
    out.reserved = 0;
    return emit(out);
  }

  // Emits an owned record.
  Status emit(const Record& record) {
    scratch_->clear();  // reused across calls: no allocation once it has grown
    for (const Header& h : record.headers) {
      scratch_->push_back(txform_header{detail::bytes(h.key), detail::optional_bytes(h.value)});
    }
    txform_output out{sizeof(txform_output),
                      detail::optional_bytes(record.topic),
                      detail::optional_bytes(record.key),
                      detail::optional_bytes(record.value),
                      scratch_->data(),
                      scratch_->size(),
                      record.timestamp_ms.value_or(TXFORM_TIMESTAMP_UNSET),
                      record.partition.value_or(TXFORM_PARTITION_UNSET),
                      0};
    return emit(out);
  }

  // Emits a raw ABI record.
  Status emit(const txform_output& out) noexcept {
    return static_cast<Status>(api_->emit(handle_, &out));
  }

 private:
  const txform_host_api* api_;
  txform_emitter* handle_;
  std::vector<txform_header>* scratch_;
};

// The host as seen by one instance: logging.
class Host {
 public:
  Host(const txform_host_api* api, txform_host* host) noexcept : api_(api), host_(host) {}
  void log(LogLevel level, std::string_view message) const noexcept {
    api_->log(host_, static_cast<txform_log_level>(level), message.data(), message.size());
  }
  void info(std::string_view message) const noexcept { log(LogLevel::info, message); }
  void warn(std::string_view message) const noexcept { log(LogLevel::warn, message); }
  void error(std::string_view message) const noexcept { log(LogLevel::error, message); }

  const txform_host_api* api() const noexcept { return api_; }
  txform_host* handle() const noexcept { return host_; }

 private:
  const txform_host_api* api_;
  txform_host* host_;
};

// An instance's configuration (owned copy of the pipeline config's key/values).
class Config {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;
  explicit Config(Map entries) : entries_(std::move(entries)) {}

  std::optional<std::string_view> get(std::string_view key) const {
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  std::string get_or(std::string_view key, std::string_view fallback) const {
    return std::string(get(key).value_or(fallback));
  }
  // The value of `key`; throws FatalError naming the key when it is missing.
  std::string require(std::string_view key) const {
    auto value = get(key);
    if (!value) throw FatalError("missing required config key '" + std::string(key) + "'");
    return std::string(*value);
  }
  // An integer value, or `fallback` when absent; throws FatalError when it is not an integer.
  int64_t get_int_or(std::string_view key, int64_t fallback) const {
    auto value = get(key);
    if (!value) return fallback;
    std::string text(*value);
    char* end = nullptr;
    errno = 0;
    const long long parsed = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE) {
      throw FatalError("config key '" + std::string(key) + "' must be an integer, got '" + text +
                       "'");
    }
    return static_cast<int64_t>(parsed);
  }
  // Throws FatalError naming the first key not in `known` (catches typos in pipeline configs).
  void expect_only(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : entries_) {
      bool found = false;
      for (std::string_view k : known)
        found = found || k == key;
      if (!found) {
        std::string list;
        for (std::string_view k : known)
          list += (list.empty() ? "" : ", ") + std::string(k);
        throw FatalError("unknown config key '" + key + "' (known keys: " + list + ")");
      }
    }
  }
  const Map& entries() const noexcept { return entries_; }

 private:
  Map entries_;
};

namespace detail {

template <class, class = void>
struct has_flush : std::false_type {};
template <class T>
struct has_flush<T, std::void_t<decltype(std::declval<T&>().flush(std::declval<Emitter&>()))>>
    : std::true_type {};
template <class, class = void>
struct has_on_commit : std::false_type {};
template <class T>
struct has_on_commit<T, std::void_t<decltype(std::declval<T&>().on_commit())>> : std::true_type {};
template <class, class = void>
struct has_on_abort : std::false_type {};
template <class T>
struct has_on_abort<T, std::void_t<decltype(std::declval<T&>().on_abort())>> : std::true_type {};

// Builds the plugin object with the richest constructor it has.
template <class T>
T construct(const Config& config, Host& host) {
  if constexpr (std::is_constructible_v<T, const Config&, Host&>) {
    return T(config, host);
  } else if constexpr (std::is_constructible_v<T, const Config&>) {
    return T(config);
  } else {
    static_assert(std::is_default_constructible_v<T>,
                  "a txform plugin needs a constructor taking (const txform::Config&, "
                  "txform::Host&), (const txform::Config&), or nothing");
    return T();
  }
}

// What the host's opaque instance pointer points at.
template <class T>
struct Instance {
  Instance(const Config& config, Host h) : host(h), plugin(construct<T>(config, host)) {}
  Host host;
  std::vector<txform_header> scratch;
  T plugin;
};

template <class T>
Instance<T>* instance_of(txform_plugin_instance* instance) noexcept {
  return reinterpret_cast<Instance<T>*>(instance);
}

// Calls f, mapping a void result to ok.
template <class F>
txform_status call_status(F&& f) {
  if constexpr (std::is_void_v<decltype(f())>) {
    f();
    return TXFORM_STATUS_OK;
  } else {
    return static_cast<txform_status>(f());
  }
}

// Reports `message` for `status` through the host's error slot and returns `status`.
inline txform_status fail(const Host& host, Status status, std::string_view message) noexcept {
  host.api()->set_error(host.handle(), message.data(), message.size());
  return static_cast<txform_status>(status);
}

// Runs f with every exception turned into a status and message: the C ABI boundary.
template <class F>
txform_status guarded(const Host& host, F&& f) noexcept {
  try {
    return call_status(std::forward<F>(f));
  } catch (const Error& e) {
    return fail(host, e.status(), e.what());
  } catch (const std::exception& e) {
    return fail(host, Status::fatal, e.what());
  } catch (...) {
    return fail(host, Status::fatal, "unknown exception");
  }
}

template <class T>
txform_plugin_instance* create(const txform_host_api* api, txform_host* handle,
                               const txform_config_entry* config, size_t config_count) noexcept {
  Host host(api, handle);
  try {
    Config::Map entries;
    for (size_t i = 0; i < config_count; ++i) {
      entries.emplace(std::string(view(config[i].key)), std::string(view(config[i].value)));
    }
    return reinterpret_cast<txform_plugin_instance*>(
        new Instance<T>(Config(std::move(entries)), host));
  } catch (const std::exception& e) {
    fail(host, Status::fatal, e.what());
  } catch (...) {
    fail(host, Status::fatal, "unknown exception");
  }
  return nullptr;
}

template <class T>
txform_status process(txform_plugin_instance* instance, const txform_record* record,
                      txform_emitter* handle) noexcept {
  Instance<T>* self = instance_of<T>(instance);
  return guarded(self->host, [&] {
    Emitter emitter(self->host.api(), handle, &self->scratch);
    return self->plugin.process(RecordView(*record), emitter);
  });
}

template <class T>
txform_status flush(txform_plugin_instance* instance, txform_emitter* handle) noexcept {
  Instance<T>* self = instance_of<T>(instance);
  return guarded(self->host, [&] {
    Emitter emitter(self->host.api(), handle, &self->scratch);
    return self->plugin.flush(emitter);
  });
}

template <class T>
txform_status on_commit(txform_plugin_instance* instance) noexcept {
  Instance<T>* self = instance_of<T>(instance);
  return guarded(self->host, [&] { return self->plugin.on_commit(); });
}

template <class T>
txform_status on_abort(txform_plugin_instance* instance) noexcept {
  Instance<T>* self = instance_of<T>(instance);
  return guarded(self->host, [&] { return self->plugin.on_abort(); });
}

template <class T>
void destroy(txform_plugin_instance* instance) noexcept {
  // A destructor that throws would terminate here, which is what it deserves.
  delete instance_of<T>(instance);
}

// The optional hooks' entries: only instantiated when T has the member.
template <class T>
constexpr txform_plugin_flush_fn flush_entry() noexcept {
  if constexpr (has_flush<T>::value) return &flush<T>;
  return nullptr;
}
template <class T>
constexpr txform_plugin_on_commit_fn on_commit_entry() noexcept {
  if constexpr (has_on_commit<T>::value) return &on_commit<T>;
  return nullptr;
}
template <class T>
constexpr txform_plugin_on_abort_fn on_abort_entry() noexcept {
  if constexpr (has_on_abort<T>::value) return &on_abort<T>;
  return nullptr;
}

// The descriptor for plugin class T; built once, lives as long as the library.
template <class T>
const txform_plugin* descriptor(const char* name, const char* version) noexcept {
  static const txform_plugin d{
      sizeof(txform_plugin),
      TXFORM_ABI_VERSION_MAJOR,
      TXFORM_ABI_VERSION_MINOR,
      name,
      version,
      &create<T>,
      &process<T>,
      &destroy<T>,
      flush_entry<T>(),
      on_commit_entry<T>(),
      on_abort_entry<T>(),
  };
  return &d;
}

}  // namespace detail
}  // namespace txform

// Exports plugin class `Class` under `name` and `version` (string literals).
#define TXFORM_PLUGIN(Class, name, version)                                               \
  extern "C" TXFORM_PLUGIN_EXPORT const txform_plugin* txform_plugin_entry_v1(uint32_t,   \
                                                                              uint32_t) { \
    return ::txform::detail::descriptor<Class>(name, version);                            \
  }
