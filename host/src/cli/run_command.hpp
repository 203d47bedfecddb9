// `txform run` and `txform check`: start the pipeline a config file describes, or only validate it.
#pragma once

namespace CLI {
class App;
}

namespace txform::cli {

// Adds `run --config FILE`: loads the config and the plugins, then runs the workers until a
// signal stops them. Exit codes: engine/exit_codes.hpp.
void add_run_command(CLI::App& app);

// Adds `check --config FILE [--connect]`: validates the config and the plugins (create() runs),
// prints the effective settings with secrets redacted; --connect also asks the brokers for the
// topics. Exit 0 when everything is usable, 1 otherwise.
void add_check_command(CLI::App& app);

}  // namespace txform::cli
