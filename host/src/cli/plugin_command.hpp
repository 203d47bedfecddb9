// `txform plugin`: for plugin authors. `plugin new` scaffolds a project, `plugin test` runs a
// chain on JSON-lines records without a broker.
#pragma once

namespace CLI {
class App;
}

namespace txform::cli {

// Adds `plugin new NAME --lang c|cpp|rust [--dir D] [--sdk-prefix P]` and
// `plugin test --plugin-dir D --plugins a,b --input records.jsonl [--config K=V]...
// [--on-record-error fail|skip|dead_letter] [--expect expected.jsonl]`.
void add_plugin_command(CLI::App& app);

}  // namespace txform::cli
