// Plugin reload in process (SIGHUP, plugin_dir changes): several reloads during a run keep
// exactly-once, switch transforms at transaction boundaries and never rebalance; a broken
// plugin leaves the running one in place.
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "http_client.hpp"
#include "reload_fixture.hpp"

namespace txform::testing {
namespace {

std::string value_of(int64_t seq) {
  return "v" + std::to_string(seq);
}

// The "N ms after the request" of the log line announcing `generation` everywhere.
std::string reload_latency(const std::string& log, int generation) {
  const std::regex line("generation " + std::to_string(generation) +
                        " live in every worker, ([0-9.]+) ms after the request");
  std::smatch match;
  return std::regex_search(log, match, line) ? match[1].str() : "?";
}

// Small fetches: the consumer interleaves its partitions a few records at a time, so every
// partition still has records when a reload switches transforms.
constexpr const char* kInterleaved =
    "kafka:\n  consumer:\n    max.partition.fetch.bytes: \"4096\"\n";

class SighupReload : public ReloadTest {};

TEST_F(SighupReload, SeveralReloadsDuringTheRunKeepExactlyOnce) {
  create_topics(3);
  constexpr int64_t kCount = 100000;
  constexpr int kReloads = 4;
  produce_sequence(input_, partitions_, kCount, value_of);
  install(testkit_first());
  // Two workers, each switching at its own transaction boundary; slowed so the run outlasts
  // the reloads.
  auto txform = start(reload_config({{"delay_us", "100"}, {"keep_partition", "true"}},
                                    std::string("workers: 2\n") + kInterleaved));
  // Three partitions on two workers: one gets 1, the other 2 once both have joined.
  ASSERT_TRUE(txform->wait_for_log("assigned 1 partitions")) << txform->output();
  ASSERT_TRUE(wait_for_output(5000)) << txform->output();
  const int revoked_before = count(txform->output(), "revoked");

  for (int reload = 1; reload <= kReloads; ++reload) {
    install(reload % 2 == 1 ? testkit_next() : testkit_first());
    txform->signal(SIGHUP);
    const std::string live = "generation " + std::to_string(reload + 1) + " live in every worker";
    ASSERT_TRUE(txform->wait_for_log(live)) << txform->output();
    std::cout << "[ reload " << reload << " ] every worker switched "
              << reload_latency(txform->output(), reload + 1) << " ms after SIGHUP\n";
    // Early in the run (the workers take seconds for the rest): every partition has records
    // left for the next generation.
    ASSERT_TRUE(wait_for_output(5000 + reload * 5000)) << txform->output();
  }
  expect_all_committed();
  const std::string log = txform->output();
  EXPECT_EQ(count(log, "revoked"), revoked_before) << "a reload rebalanced the group\n" << log;
  EXPECT_EQ(count(log, "plugin reload failed"), 0) << log;
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();

  const auto outputs = expect_exactly_once_output(kCount, kCount);
  for (int partition = 0; partition < partitions_; ++partition) {
    // Each input partition is read in order, so its outputs switch transform once per reload
    // at most: a record transformed by an older generation after a newer one would add more.
    EXPECT_LE(changes(prefixes_of_partition(outputs, partitions_, partition)), kReloads)
        << "partition " << partition;
  }
  const auto switches = transform_switches(outputs);
  EXPECT_EQ(switches.inside_transaction, 0) << "a transaction mixed two plugin versions";
  EXPECT_GE(switches.at_boundary, 1);
  EXPECT_GT(outputs_with(outputs, kNextPrefix), 0) << "2.0.0 transformed records";
  EXPECT_GT(outputs_with(outputs, kFirstPrefix), 0);
  std::cout << "[ reloads ] " << switches.at_boundary << " transform switches, all at "
            << "transaction boundaries; " << outputs_with(outputs, kNextPrefix)
            << " records by 2.0.0\n";

  // The committed offsets name the chain that produced each partition's last range.
  TxformProcess describe({"describe", "--group", group_, "--bootstrap", bootstrap_servers()});
  EXPECT_EQ(describe.wait(), 0) << describe.output();
  EXPECT_EQ(count(describe.output(), "testkit@1.0.0") + count(describe.output(), "testkit@2.0.0"),
            partitions_)
      << describe.output();
  EXPECT_EQ(count(describe.output(), input_), partitions_) << describe.output();
  std::cout << describe.output();
}

TEST_F(SighupReload, BrokenPluginKeepsTheRunningOneAndIsCounted) {
  create_topics(3);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  install(testkit_first());
  std::string yaml = reload_config({{"delay_us", "100"}});
  yaml.replace(yaml.find("metrics: {enabled: false}"), 25, "metrics: {listen: \"127.0.0.1:0\"}");
  auto txform = start(yaml);
  ASSERT_TRUE(wait_for_output(2000)) << txform->output();
  std::smatch port;
  const std::string started = txform->output();
  ASSERT_TRUE(std::regex_search(started, port, std::regex("listening on port ([0-9]+)")));

  install_garbage();
  txform->signal(SIGHUP);
  ASSERT_TRUE(txform->wait_for_log("plugin reload failed, still running testkit@1.0.0"))
      << txform->output();
  const auto metrics = http_get(std::stoi(port[1].str()), "/metrics");
  EXPECT_NE(metrics.body.find("txform_plugin_reload_failures_total 1"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("txform_plugin_reloads_total 0"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("version=\"1.0.0\""), std::string::npos) << metrics.body;

  expect_all_committed();
  EXPECT_TRUE(txform->running()) << txform->output();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
  const auto outputs = expect_exactly_once_output(kCount, kCount);
  for (int partition = 0; partition < partitions_; ++partition) {
    const auto prefixes = prefixes_of_partition(outputs, partitions_, partition);
    EXPECT_EQ(changes(prefixes), 0) << "partition " << partition;
    EXPECT_EQ(prefixes.front(), kFirstPrefix);
  }
}

// The sampled timing's series are the running chain's plugins: the old version's go at the
// switch, the new one's come.
TEST_F(SighupReload, PluginTimingSeriesFollowTheNewChain) {
  create_topics(3);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  install(testkit_first());
  std::string yaml = reload_config({{"delay_us", "100"}}, kInterleaved);
  yaml.replace(yaml.find("metrics: {enabled: false}"), 25, "metrics: {listen: \"127.0.0.1:0\"}");
  auto txform = start(yaml);
  ASSERT_TRUE(wait_for_output(2000)) << txform->output();
  std::smatch port;
  const std::string started = txform->output();
  ASSERT_TRUE(std::regex_search(started, port, std::regex("listening on port ([0-9]+)")));
  const int metrics_port = std::stoi(port[1].str());
  const std::string first =
      "txform_plugin_process_duration_seconds_count{plugin=\"testkit@1.0.0\"}";
  const std::string next = "txform_plugin_process_duration_seconds_count{plugin=\"testkit@2.0.0\"}";
  const auto before = http_get(metrics_port, "/metrics").body;
  EXPECT_NE(before.find(first), std::string::npos) << before;
  EXPECT_EQ(before.find(next), std::string::npos) << before;

  install(testkit_next());
  txform->signal(SIGHUP);
  ASSERT_TRUE(txform->wait_for_log("generation 2 live in every worker")) << txform->output();
  const auto after = http_get(metrics_port, "/metrics").body;
  EXPECT_EQ(after.find(first), std::string::npos) << "the old plugin's series stayed\n" << after;
  EXPECT_NE(after.find(next), std::string::npos) << after;

  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
}

TEST_F(SighupReload, AChangedPluginsSectionIsTakenAndABadOneRefusedAsAWhole) {
  create_topics(3);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  install(testkit_first());
  const std::string yaml = reload_config({{"delay_us", "100"}}, kInterleaved);
  auto txform = start(yaml);
  ASSERT_TRUE(wait_for_output(2000)) << txform->output();
  // Rewrites the file txform was started with, replacing `from` by `to`.
  const auto rewrite = [&](const std::string& from, const std::string& to) {
    std::string text = yaml;
    ASSERT_NE(text.find(from), std::string::npos) << from;
    text.replace(text.find(from), from.size(), to);
    std::ofstream(txform->config_path(), std::ios::trunc) << text;
  };

  // The same plugin file, another config: testkit now prefixes "conf:".
  rewrite("delay_us: \"100\"\n", "delay_us: \"100\"\n      value_prefix: \"conf:\"\n");
  txform->signal(SIGHUP);
  ASSERT_TRUE(txform->wait_for_log("generation 2 live in every worker")) << txform->output();
  ASSERT_TRUE(wait_for_output(6000)) << txform->output();

  // A plugins: section naming a plugin that is not there: refused, generation 2 runs on.
  rewrite("- name: testkit", "- name: nope");
  txform->signal(SIGHUP);
  ASSERT_TRUE(txform->wait_for_log("plugin reload failed, still running testkit@1.0.0"))
      << txform->output();
  EXPECT_NE(txform->output().find("no plugin named 'nope'"), std::string::npos) << txform->output();

  expect_all_committed();
  EXPECT_TRUE(txform->running()) << txform->output();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
  EXPECT_EQ(count(txform->output(), "changed outside its plugins: section"), 0) << txform->output();
  const auto outputs = expect_exactly_once_output(kCount, kCount);
  for (int partition = 0; partition < partitions_; ++partition) {
    const auto prefixes = prefixes_of_partition(outputs, partitions_, partition);
    // In input order: the old settings, then the new ones, never back.
    const auto first_new = std::find(prefixes.begin(), prefixes.end(), "conf:");
    EXPECT_EQ(std::count(first_new, prefixes.end(), kFirstPrefix), 0) << "partition " << partition;
  }
  EXPECT_GT(outputs_with(outputs, kFirstPrefix), 0);
  EXPECT_GT(outputs_with(outputs, "conf:"), 0) << "the new settings transformed no record";
}

TEST_F(SighupReload, AConfigChangedOutsidePluginsIsSaidToNeedARestart) {
  create_topics(1);
  produce_sequence(input_, partitions_, 1000, value_of);
  install(testkit_first());
  const std::string yaml = reload_config({});
  auto txform = start(yaml);
  ASSERT_TRUE(wait_for_output(1000)) << txform->output();
  std::string text = yaml;
  text.replace(text.find("group_id: "), 10, "group_id: other-");
  std::ofstream(txform->config_path(), std::ios::trunc) << text;
  txform->signal(SIGHUP);
  ASSERT_TRUE(txform->wait_for_log("generation 2 live in every worker")) << txform->output();
  EXPECT_NE(txform->output().find("changed outside its plugins: section; a reload takes only "
                                  "plugins:, restart txform for the rest"),
            std::string::npos)
      << txform->output();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
}

TEST_F(SighupReload, WatchedPluginDirReloadsOnInstall) {
  create_topics(3);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  install(testkit_first());
  auto txform = start(reload_config({{"delay_us", "100"}, {"keep_partition", "true"}},
                                    std::string("watch_plugin_dir: true\n") + kInterleaved));
  ASSERT_TRUE(wait_for_output(2000)) << txform->output();
  install(testkit_next());  // no signal: the directory change is enough
  ASSERT_TRUE(txform->wait_for_log("generation 2 live in every worker")) << txform->output();
  expect_all_committed();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
  const auto outputs = expect_exactly_once_output(kCount, kCount);
  for (int partition = 0; partition < partitions_; ++partition) {
    EXPECT_LE(changes(prefixes_of_partition(outputs, partitions_, partition)), 1)
        << "partition " << partition;
  }
  EXPECT_EQ(transform_switches(outputs).inside_transaction, 0);
  EXPECT_GT(outputs_with(outputs, kNextPrefix), 0) << "2.0.0 transformed records";
}

}  // namespace
}  // namespace txform::testing
