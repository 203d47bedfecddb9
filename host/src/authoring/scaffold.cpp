#include "authoring/scaffold.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <system_error>

#include "authoring/templates.hpp"

namespace txform::authoring {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxNameLength = 64;

Language parse_language(const std::string& language) {
  if (language == "c") return Language::c;
  if (language == "cpp") return Language::cpp;
  if (language == "rust") return Language::rust;
  throw ScaffoldError(fmt::format("--lang '{}' is not one of c, cpp, rust", language));
}

// "my-plugin" -> "MyPlugin": the plugin's C++ class or Rust type.
std::string type_name(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-') {
      upper = true;
    } else {
      out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
      upper = false;
    }
  }
  return out;
}

// Replaces every {{KEY}} of `text` with its value.
std::string render(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out(text);
  for (const auto& [key, value] : values) {
    const std::string placeholder = "{{" + key + "}}";
    for (size_t at = out.find(placeholder); at != std::string::npos;
         at = out.find(placeholder, at + value.size())) {
      out.replace(at, placeholder.size(), value);
    }
  }
  return out;
}

// `path` quoted for a POSIX shell, unless it needs no quotes.
std::string shell_quote(const fs::path& path) {
  const std::string text = path.string();
  if (text.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+") ==
      std::string::npos) {
    return text;
  }
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The prefix of the running txform binary (/usr for /usr/bin/txform).
fs::path executable_prefix() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path("/usr") : exe.parent_path().parent_path();
}

// Whether `prefix` holds the SDK's CMake package (under lib/, lib64/ or lib/<multiarch>/).
bool has_cmake_package(const fs::path& prefix) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(prefix, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("lib", 0) != 0 || !entry.is_directory()) continue;
    if (fs::exists(entry.path() / "cmake/txform-plugin-sdk/txform-plugin-sdkConfig.cmake")) {
      return true;
    }
    for (const auto& sub : fs::directory_iterator(entry.path(), error)) {
      if (fs::exists(sub.path() / "cmake/txform-plugin-sdk/txform-plugin-sdkConfig.cmake")) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

void check_plugin_name(const std::string& name) {
  const bool well_formed =
      !name.empty() && name.size() <= kMaxNameLength && name.front() >= 'a' &&
      name.front() <= 'z' && name.back() != '-' &&
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos &&
      name.find("--") == std::string::npos;
  if (!well_formed) {
    throw ScaffoldError(fmt::format(
        "plugin name '{}' is not valid: use 1 to {} characters of a-z, 0-9 and single '-', "
        "starting with a letter and not ending with '-' (e.g. 'orders-enrich')",
        name, kMaxNameLength));
  }
}

Scaffold scaffold_plugin(const ScaffoldOptions& options) {
  check_plugin_name(options.name);
  const Language language = parse_language(options.language);
  Scaffold result;
  result.dir =
      fs::absolute(options.dir.empty() ? fs::path(options.name) : options.dir).lexically_normal();
  if (!result.dir.has_filename()) result.dir = result.dir.parent_path();  // "dir/"
  if (fs::exists(result.dir) && (!fs::is_directory(result.dir) || !fs::is_empty(result.dir))) {
    throw ScaffoldError(
        fmt::format("{} already exists and is not an empty directory: choose another --dir",
                    result.dir.string()));
  }
  const fs::path prefix =
      fs::absolute(options.sdk_prefix.empty() ? executable_prefix() : options.sdk_prefix)
          .lexically_normal();
  const fs::path rust_sdk = prefix / "share/txform-plugin-sdk/rust";
  if (language == Language::rust && !fs::exists(rust_sdk / "Cargo.toml")) {
    throw ScaffoldError(fmt::format(
        "the Rust SDK is not installed under {} (no {}): install the txform-plugin-sdk-dev "
        "package, or pass --sdk-prefix with the prefix the SDK is installed under",
        prefix.string(), (rust_sdk / "Cargo.toml").string()));
  }

  const std::string ident = [&] {
    std::string s = options.name;
    for (char& c : s)
      c = c == '-' ? '_' : c;
    return s;
  }();
  const std::map<std::string, std::string> values{
      {"NAME", options.name},
      {"IDENT", ident},
      {"CLASS", type_name(options.name)},
      {"LANGUAGE", language == Language::c     ? "C"
                   : language == Language::cpp ? "C++"
                                               : "Rust"},
      {"SOURCE", language == Language::c     ? "src/" + options.name + ".c"
                 : language == Language::cpp ? "src/" + options.name + ".cpp"
                                             : "src/lib.rs"},
      {"PLUGIN_DIR", language == Language::rust ? "plugins" : "build/plugins"},
      {"RUST_SDK", rust_sdk.string()}};

  auto write = [&](const fs::path& relative, const std::string& text) {
    const fs::path path = result.dir / relative;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw ScaffoldError(fmt::format("{}: cannot write", path.string()));
    result.files.push_back(relative);
  };
  for (const TemplateFile& file : project_templates(language)) {
    write(render(file.path, values), render(file.text, values));
  }
  write("README.md", render(project_readme(language), values));

  const std::string dir = shell_quote(result.dir);
  if (language == Language::rust) {
    const std::string manifest = shell_quote(result.dir / "Cargo.toml");
    result.commands = {"cargo build --release --manifest-path " + manifest,
                       "cargo test --manifest-path " + manifest,
                       fmt::format("mkdir -p {} && cp {} {}", shell_quote(result.dir / "plugins"),
                                   shell_quote(result.dir / ("target/release/lib" + ident + ".so")),
                                   shell_quote(result.dir / "plugins" / (options.name + ".so"))),
                       "txform plugins --dir " + shell_quote(result.dir / "plugins")};
  } else {
    std::string configure =
        fmt::format("cmake -S {} -B {}", dir, shell_quote(result.dir / "build"));
    if (has_cmake_package(prefix)) {
      // /usr and /usr/local are on CMake's search path already.
      if (prefix != "/usr" && prefix != "/usr/local") {
        configure += " -DCMAKE_PREFIX_PATH=" + shell_quote(prefix);
      }
    } else {
      result.notes.push_back(fmt::format(
          "the txform plugin SDK's CMake package is not under {}: install the "
          "txform-plugin-sdk-dev package, or add -DCMAKE_PREFIX_PATH=<its prefix> below (or pass "
          "--sdk-prefix)",
          prefix.string()));
    }
    result.commands = {
        configure, "cmake --build " + shell_quote(result.dir / "build"),
        "ctest --test-dir " + shell_quote(result.dir / "build") + " --output-on-failure",
        "txform plugins --dir " + shell_quote(result.dir / "build/plugins")};
  }
  return result;
}

}  // namespace txform::authoring
