#include "cli/describe_command.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "cli/pipeline_setup.hpp"
#include "config/properties.hpp"
#include "engine/exit_codes.hpp"
#include "kafka/handles.hpp"

namespace txform::cli {
namespace {

struct DescribeOptions {
  std::string group;
  std::string bootstrap;
  std::string config_path;
};

struct CommittedOffset {
  std::string topic;
  int32_t partition;
  int64_t offset;
  std::string metadata;
};

// An admin-capable client: the pipeline's own connection settings (TLS, SASL, ...) when a
// config is given, else a plain connection to `bootstrap`.
kafka::KafkaPtr make_client(const DescribeOptions& options, std::string& group) {
  kafka::ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  if (!options.config_path.empty()) {
    const auto loaded = load_config_or_exit(options.config_path);
    config::apply_properties(conf.get(), config::producer_properties(loaded.config, 0));
    // A plain producer handle: it reads the group without fencing anyone.
    rd_kafka_conf_set(conf.get(), "transactional.id", nullptr, errstr, sizeof errstr);
    if (group.empty()) group = loaded.config.group_id();
  }
  if (!options.bootstrap.empty() &&
      rd_kafka_conf_set(conf.get(), "bootstrap.servers", options.bootstrap.c_str(), errstr,
                        sizeof errstr) != RD_KAFKA_CONF_OK) {
    throw std::runtime_error(errstr);
  }
  kafka::KafkaPtr client(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  if (!client) throw std::runtime_error(std::string("cannot create a client: ") + errstr);
  conf.release();
  return client;
}

// Every committed offset of `group`, sorted by topic and partition.
std::vector<CommittedOffset> committed_offsets(rd_kafka_t* client, const std::string& group) {
  kafka::QueuePtr queue(rd_kafka_queue_new(client));
  rd_kafka_ListConsumerGroupOffsets_t* request =
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);  // nullptr: all partitions
  rd_kafka_ListConsumerGroupOffsets(client, &request, 1, nullptr, queue.get());
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  kafka::EventPtr event(rd_kafka_queue_poll(queue.get(), 30000));
  if (!event) throw std::runtime_error("the brokers did not answer within 30 s");
  if (rd_kafka_event_error(event.get()))
    throw std::runtime_error(rd_kafka_event_error_string(event.get()));
  const auto* result = rd_kafka_event_ListConsumerGroupOffsets_result(event.get());
  size_t count = 0;
  const rd_kafka_group_result_t** groups =
      rd_kafka_ListConsumerGroupOffsets_result_groups(result, &count);
  std::vector<CommittedOffset> offsets;
  for (size_t g = 0; g < count; ++g) {
    if (const rd_kafka_error_t* error = rd_kafka_group_result_error(groups[g])) {
      throw std::runtime_error(rd_kafka_error_string(error));
    }
    const rd_kafka_topic_partition_list_t* partitions = rd_kafka_group_result_partitions(groups[g]);
    for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i) {
      const auto& p = partitions->elems[i];
      if (p.offset < 0) continue;  // nothing committed
      offsets.push_back({p.topic, p.partition, p.offset,
                         std::string(static_cast<const char*>(p.metadata),
                                     p.metadata == nullptr ? 0 : p.metadata_size)});
    }
  }
  std::sort(offsets.begin(), offsets.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return offsets;
}

int describe(DescribeOptions options) {
  if (options.config_path.empty() && options.bootstrap.empty()) {
    std::cerr << "txform describe: give --bootstrap or --config\n";
    return kExitConfigError;
  }
  std::string group = options.group;
  try {
    auto client = make_client(options, group);
    if (group.empty()) throw std::runtime_error("give --group (or --config with a group_id)");
    const auto offsets = committed_offsets(client.get(), group);
    std::cout << "group " << group << "\n";
    if (offsets.empty()) {
      std::cout << "no committed offsets\n";
      return kExitOk;
    }
    size_t width = 5;
    for (const auto& offset : offsets)
      width = std::max(width, offset.topic.size());
    std::cout << fmt::format("{:<{}}  {:>9}  {:>12}  {}\n", "TOPIC", width, "PARTITION", "OFFSET",
                             "PLUGINS");
    for (const auto& offset : offsets) {
      std::cout << fmt::format("{:<{}}  {:>9}  {:>12}  {}\n", offset.topic, width, offset.partition,
                               offset.offset, offset.metadata.empty() ? "-" : offset.metadata);
    }
    return kExitOk;
  } catch (const CLI::Error&) {
    throw;  // the config could not be used: already reported
  } catch (const std::exception& error) {
    std::cerr << "txform describe: group " << group << ": " << error.what() << "\n";
    return kExitConfigError;
  }
}

}  // namespace

void add_describe_command(CLI::App& app) {
  auto options = std::make_shared<DescribeOptions>();
  auto* cmd = app.add_subcommand(
      "describe", "Show a consumer group's committed offsets and the plugins that produced them");
  cmd->add_option("-g,--group", options->group, "Consumer group (default: the config's group_id)");
  cmd->add_option("-b,--bootstrap", options->bootstrap, "Brokers (host:port,...)");
  cmd->add_option("-c,--config", options->config_path,
                  "Pipeline config: its brokers, connection settings and group");
  cmd->callback([options] {
    const int code = describe(*options);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace txform::cli
