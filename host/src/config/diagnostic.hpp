// What the configuration layer reports: one problem (or warning) at one place in the file.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace txform::config {

// One finding about the configuration, located as precisely as the loader knows.
struct Diagnostic {
  std::string file;      // the config file, or a label such as "<string>"; may be empty
  std::string key_path;  // e.g. "commit.interval_ms", "plugins[0].name"; empty for the whole file
  int line = 0;          // 1-based; 0 when unknown
  int column = 0;        // 1-based; 0 when unknown
  std::string message;   // what is wrong and what to do; never contains a secret value
};

// "file:line:column: key.path: message", leaving out the parts that are unknown.
std::string to_string(const Diagnostic& diagnostic);

// A configuration that cannot be used; what() lists every diagnostic, one per line.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);

  // Every problem found, in file order as far as it is known.
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace txform::config
