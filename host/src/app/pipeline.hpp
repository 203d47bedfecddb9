// `txform run` without the command line: everything a loaded config describes, wired and run.
#pragma once

#include "config/load.hpp"

namespace txform::app {

// Runs the pipeline until a signal stops it (first SIGTERM/SIGINT: commit and exit; second:
// abort) or a worker fails; SIGHUP, or a changed plugin file with watch_plugin_dir, reloads the
// plugins (and, with RunOptions::reread_plugin_settings, their settings). Call it before starting
// any thread: it blocks the stop signals first, so that only the workers' signal thread receives
// them. Returns the exit code (engine/exit_codes.hpp); a metrics endpoint or plugin watcher that
// cannot start is logged and returns kExitConfigError. Throws plugin::PluginError (file and reason)
// when the chain cannot load or a plugin refuses its config: then nothing has started.
struct RunOptions {
  // A reload also reads the plugins: section of loaded.file again (`txform run` does; a config
  // loaded from a string has no file to read).
  bool reread_plugin_settings = false;
};
int run_pipeline(const config::LoadedConfig& loaded, const RunOptions& options = {});

}  // namespace txform::app
