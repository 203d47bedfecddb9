// `txform plugin new`: writes a plugin project that builds out of tree against the installed SDK
// (CMake's find_package(txform-plugin-sdk) for C and C++, Cargo for Rust), with a README and a
// sample test that runs `txform plugin test`.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace txform::authoring {

// Bad options: what() says which and what to do.
class ScaffoldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Language { c, cpp, rust };

struct ScaffoldOptions {
  std::string name;           // the plugin's name: [a-z][a-z0-9-]*, at most 64 characters
  std::string language;       // "c", "cpp" or "rust"
  std::filesystem::path dir;  // where to write; must not exist or be empty. Default ./NAME
  // The prefix the plugin SDK is installed under (/usr for the Debian package); empty: the
  // prefix of the running txform binary.
  std::filesystem::path sdk_prefix;
};

struct Scaffold {
  std::filesystem::path dir;                 // absolute
  std::vector<std::filesystem::path> files;  // written, relative to dir
  std::vector<std::string> commands;         // shell commands that build, test and list the plugin
  std::vector<std::string> notes;            // anything the user must know (an SDK not found, ...)
};

// Checks a plugin name; throws ScaffoldError saying what is allowed.
void check_plugin_name(const std::string& name);

// Writes the project; throws ScaffoldError for a bad name or language, a directory that is not
// empty, or (for Rust) an SDK prefix without the Rust SDK; std::filesystem errors on I/O.
Scaffold scaffold_plugin(const ScaffoldOptions& options);

}  // namespace txform::authoring
