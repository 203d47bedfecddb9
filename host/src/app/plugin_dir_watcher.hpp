// Opt-in (watch_plugin_dir): a plugin file added, replaced or removed in plugin_dir reloads the
// plugins as SIGHUP does.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

namespace txform::app {

class PluginDirWatcher {
 public:
  // Watches `dir` with inotify; once *.so changes have been quiet for `settle`, sends this
  // process SIGHUP (the signal thread reloads). Throws std::runtime_error when inotify fails.
  PluginDirWatcher(const std::filesystem::path& dir, std::chrono::milliseconds settle,
                   std::shared_ptr<spdlog::logger> log);
  ~PluginDirWatcher();
  PluginDirWatcher(const PluginDirWatcher&) = delete;
  PluginDirWatcher& operator=(const PluginDirWatcher&) = delete;

 private:
  void watch();
  // True when the inotify events read now name a plugin file.
  bool read_plugin_events();

  int inotify_ = -1;
  int wakeup_ = -1;  // eventfd: the destructor's stop request
  std::chrono::milliseconds settle_;
  std::shared_ptr<spdlog::logger> log_;
  std::thread thread_;
};

}  // namespace txform::app
