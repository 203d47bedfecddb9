// `txform describe`: a consumer group's committed offsets and the plugin chain that produced
// the range ending at each (the offsets' metadata).
#pragma once

namespace CLI {
class App;
}

namespace txform::cli {

// Adds `describe --group G [--bootstrap B | --config FILE]`: one line per committed partition
// (topic, partition, offset, plugin chain). Exit 0, or 1 when the group cannot be read.
void add_describe_command(CLI::App& app);

}  // namespace txform::cli
