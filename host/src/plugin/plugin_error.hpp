// The one exception the plugin loader throws: what() is the message a user acts on.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace txform::plugin {

// A plugin (or the plugin directory) that cannot be used: names the file and the reason.
class PluginError : public std::runtime_error {
 public:
  PluginError(std::filesystem::path file, std::string reason)
      : std::runtime_error(file.string() + ": " + reason),
        file_(std::move(file)),
        reason_(std::move(reason)) {}

  const std::filesystem::path& file() const noexcept { return file_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::filesystem::path file_;
  std::string reason_;
};

}  // namespace txform::plugin
