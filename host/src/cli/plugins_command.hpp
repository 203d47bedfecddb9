// `txform plugins`: lists the plugins in a directory, or says precisely why one cannot load.
#pragma once

namespace CLI {
class App;
}

namespace txform::cli {

// Adds `plugins --dir DIR [--json] [--allow-insecure-plugin-dir] [--create NAME [--set K=V]...]`.
// Exits non-zero, with the file and the reason on stderr, when anything in DIR is unusable.
void add_plugins_command(CLI::App& app);

}  // namespace txform::cli
