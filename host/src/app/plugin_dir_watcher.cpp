#include "app/plugin_dir_watcher.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace txform::app {
namespace {

// What a plugin install does: a new file written in place, or moved in (the safe way), or a
// file removed. Editing a loaded .so in place is never safe and is not watched for.
constexpr uint32_t kPluginEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE;

// A plugin file name as the catalog sees one: *.so, not hidden (temporary files are).
bool plugin_file(std::string_view name) {
  return !name.empty() && name.front() != '.' && name.size() > 3 && name.ends_with(".so");
}

}  // namespace

PluginDirWatcher::PluginDirWatcher(const std::filesystem::path& dir,
                                   std::chrono::milliseconds settle,
                                   std::shared_ptr<spdlog::logger> log)
    : settle_(settle), log_(std::move(log)) {
  inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  wakeup_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (inotify_ < 0 || wakeup_ < 0 || inotify_add_watch(inotify_, dir.c_str(), kPluginEvents) < 0) {
    const std::string reason = std::strerror(errno);
    if (inotify_ >= 0) ::close(inotify_);
    if (wakeup_ >= 0) ::close(wakeup_);
    throw std::runtime_error("cannot watch " + dir.string() + " (watch_plugin_dir): " + reason);
  }
  log_->info("watching {} for plugin changes", dir.string());
  thread_ = std::thread([this] { watch(); });
}

PluginDirWatcher::~PluginDirWatcher() {
  const uint64_t one = 1;
  if (::write(wakeup_, &one, sizeof one) < 0) log_->warn("stopping the plugin_dir watcher failed");
  thread_.join();
  ::close(inotify_);
  ::close(wakeup_);
}

void PluginDirWatcher::watch() {
  bool changed = false;
  for (;;) {
    pollfd fds[2] = {{inotify_, POLLIN, 0}, {wakeup_, POLLIN, 0}};
    // An install can be several files, or a copy in several writes: reload once it settles.
    const int timeout = changed ? static_cast<int>(settle_.count()) : -1;
    const int ready = ::poll(fds, 2, timeout);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (fds[1].revents & POLLIN) != 0) return;
    if (ready == 0) {
      changed = false;
      log_->info("plugin directory changed: reloading");
      ::kill(::getpid(), SIGHUP);
      continue;
    }
    if (read_plugin_events()) changed = true;
  }
}

bool PluginDirWatcher::read_plugin_events() {
  alignas(inotify_event) char buffer[4096];
  bool plugin = false;
  for (;;) {
    const ssize_t length = ::read(inotify_, buffer, sizeof buffer);
    if (length <= 0) return plugin;  // EAGAIN: drained
    for (ssize_t at = 0; at < length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if (event->len > 0 && plugin_file(event->name)) plugin = true;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

}  // namespace txform::app
