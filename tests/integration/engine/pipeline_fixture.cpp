#include "pipeline_fixture.hpp"

#include <thread>

namespace txform::testing {

void PipelineTest::create_topics(int partitions) {
  partitions_ = partitions;
  input_ = unique_name("in");
  output_ = unique_name("out");
  dlq_ = unique_name("dlq");
  group_ = unique_name("group");
  create_topic(input_, partitions);
  create_topic(output_, partitions);
  create_topic(dlq_, 1);
}

std::string PipelineTest::config(const std::string& plugin,
                                 const std::map<std::string, std::string>& plugin_config,
                                 const std::string& extra,
                                 const std::string& transactional_id) const {
  std::string yaml =
      "bootstrap_servers: \"" + bootstrap_servers() + "\"\n" + "group_id: " + group_ + "\n" +
      "input_topics: [" + input_ + "]\n" + "output_topic: " + output_ + "\n" +
      "transactional_id: " + (transactional_id.empty() ? unique_name("txid") : transactional_id) +
      "\n" + "plugin_dir: " + (plugin == "testkit" ? test_plugin_dir() : plugin_dir()) + "\n" +
      "plugins:\n  - name: " + plugin + "\n";
  if (!plugin_config.empty()) {
    yaml += "    config:\n";
    for (const auto& [key, value] : plugin_config)
      yaml += "      " + key + ": \"" + value + "\"\n";
  }
  yaml += "metrics: {enabled: false}\n";
  return yaml + extra;
}

std::unique_ptr<TxformProcess> PipelineTest::start(const std::string& yaml) const {
  return std::make_unique<TxformProcess>(yaml);
}

void PipelineTest::expect_all_committed() const {
  EXPECT_TRUE(wait_for_committed(group_, input_, end_offsets(input_, partitions_)))
      << "group " << group_ << " did not commit every input record";
}

bool PipelineTest::wait_for_output(int64_t count) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    int64_t total = 0;
    for (auto end : end_offsets(output_, partitions_))
      total += end;
    if (total >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::vector<Record> PipelineTest::expect_exactly_once_output(int64_t count,
                                                             int64_t expected_outputs) const {
  auto outputs = read_topic(output_, partitions_, "read_committed");
  EXPECT_EQ(static_cast<int64_t>(outputs.size()), expected_outputs);
  const auto report = check_exactly_once(count, partitions_, outputs);
  if (expected_outputs == count) {
    EXPECT_TRUE(report.ok()) << report.summary();
  } else {
    EXPECT_TRUE(report.duplicated.empty() && report.out_of_order.empty() &&
                report.unknown_keys.empty())
        << report.summary();
  }
  return outputs;
}

}  // namespace txform::testing
