// A pipeline under test: fresh topics, a config for the real txform binary, and the checks.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka_test_env.hpp"
#include "records.hpp"
#include "txform_process.hpp"

namespace txform::testing {

class PipelineTest : public KafkaTest {
 protected:
  // Creates input/output topics with `partitions` partitions and a one-partition DLQ.
  void create_topics(int partitions);

  // A txform config for this pipeline. `plugin` runs from the test plugin directory
  // ("testkit") or the example plugins ("passthrough"); `extra` is appended YAML.
  std::string config(const std::string& plugin,
                     const std::map<std::string, std::string>& plugin_config = {},
                     const std::string& extra = "", const std::string& transactional_id = "") const;

  // Starts `txform run` with `yaml`.
  std::unique_ptr<TxformProcess> start(const std::string& yaml) const;

  // Waits until the group committed every input record (fails the test otherwise).
  void expect_all_committed() const;

  // Waits until at least `count` records (committed or not) reached the output topic.
  bool wait_for_output(int64_t count) const;

  // Reads the output with read_committed and checks records 0..count-1 appear exactly once.
  std::vector<Record> expect_exactly_once_output(int64_t count, int64_t expected_outputs) const;

  int partitions_ = 0;
  int64_t input_count_ = 0;
  std::string input_;
  std::string output_;
  std::string dlq_;
  std::string group_;
};

}  // namespace txform::testing
