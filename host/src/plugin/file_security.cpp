#include "plugin/file_security.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "plugin/plugin_error.hpp"

namespace txform::plugin {

std::optional<std::string> insecure_reason(const std::filesystem::path& path, uid_t owner) {
  struct stat st {};
  // stat, not lstat: what matters is the file dlopen will map, wherever a symlink points.
  if (::stat(path.c_str(), &st) != 0) {
    throw PluginError(path, fmt::format("cannot stat: {}", std::strerror(errno)));
  }
  const std::string fix = fmt::format("fix with: chmod go-w {}", path.string());
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return fmt::format(
        "writable by {} (mode {:04o}); anyone who can write it can run code as "
        "txform. {}, or pass --allow-insecure-plugin-dir for development",
        (st.st_mode & S_IWOTH) != 0 ? "others" : "group", st.st_mode & 07777, fix);
  }
  if (st.st_uid != owner && st.st_uid != 0) {
    return fmt::format(
        "owned by uid {}, not by the user running txform (uid {}) or root; fix "
        "with: chown {} {}, or pass --allow-insecure-plugin-dir for development",
        st.st_uid, owner, owner, path.string());
  }
  return std::nullopt;
}

}  // namespace txform::plugin
