// fanout: splits a batch message into one record per part (same key, headers and timestamp).
//
// Config:
//   separator   what parts are separated by (default "\n")
//   max_parts   a record with more parts is rejected (default 1000)
//   keep_empty  "true" to emit empty parts too (default: skip them)
#include <string>
#include <string_view>
#include <txform/plugin.hpp>

namespace {

class Fanout {
 public:
  explicit Fanout(const txform::Config& config)
      : separator_(config.get_or("separator", "\n")),
        max_parts_(config.get_int_or("max_parts", 1000)),
        keep_empty_(config.get_or("keep_empty", "false") == "true") {
    config.expect_only({"separator", "max_parts", "keep_empty"});
    if (separator_.empty()) throw txform::FatalError("separator must not be empty");
    if (max_parts_ < 1) throw txform::FatalError("max_parts must be at least 1");
  }

  txform::Status process(const txform::RecordView& in, txform::Emitter& out) {
    if (!in.has_value()) return out.emit(in);  // a tombstone has nothing to split
    // Count first: a rejected record must not have emitted anything.
    int64_t parts = 0;
    for_each_part(in.value(), [&](std::string_view) { ++parts; });
    if (parts > max_parts_) {
      throw txform::RecordError("value has " + std::to_string(parts) + " parts, more than " +
                                "max_parts " + std::to_string(max_parts_));
    }
    txform::Status status = txform::Status::ok;
    for_each_part(in.value(), [&](std::string_view part) {
      if (status == txform::Status::ok) status = out.emit(in.with_value(part));
    });
    return status;
  }

 private:
  // Calls f on each part of `value`, skipping empty ones unless keep_empty.
  template <class F>
  void for_each_part(std::string_view value, F&& f) const {
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(separator_, start);
      if (end == std::string_view::npos) end = value.size();
      const std::string_view part = value.substr(start, end - start);
      if (keep_empty_ || !part.empty()) f(part);
      start = end + separator_.size();
    }
  }

  std::string separator_;
  int64_t max_parts_;
  bool keep_empty_;
};

}  // namespace

TXFORM_PLUGIN(Fanout, "fanout", "1.0.0")
