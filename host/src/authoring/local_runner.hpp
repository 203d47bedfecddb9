// `txform plugin test`: runs a plugin chain on JSON-lines records, without a broker, and says
// what each record produced and what `txform run` would do with its status.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

namespace txform::authoring {

// Bad options or input: what() says what and where (file:line, option, key).
class LocalRunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LocalRunOptions {
  std::filesystem::path plugin_dir;
  std::vector<std::string> plugins;  // the chain, in order
  // "KEY=VALUE" for the only plugin, or "PLUGIN.KEY=VALUE" for one plugin of a chain.
  std::vector<std::string> config;
  std::filesystem::path input;           // JSON lines, one record per line (see parse_input_record)
  std::string on_record_error = "fail";  // as error_policy.on_record_error: fail|skip|dead_letter
  bool allow_insecure = false;
};

struct LocalRunSummary {
  size_t records = 0;
  size_t ok = 0;
  size_t not_ok = 0;        // RECORD_ERROR, RETRY or FATAL (flush included)
  bool would_stop = false;  // `txform run` would stop with exit code 4 on one of them
  std::string first_stop;   // where and why, when would_stop
};

// Runs every record of options.input through a fresh chain, then flush() and on_commit() as a
// commit would. Writes one JSON object per line to `out`: per record {"line", "status",
// "outputs", and for a failure "plugin", "message", "then"}, then {"flush": true, ...}.
// Plugins' log lines go to `log`. Throws LocalRunError for bad options or input, and
// plugin::PluginError when the chain does not load.
LocalRunSummary run_local(const LocalRunOptions& options, std::ostream& out, std::ostream& log);

}  // namespace txform::authoring
