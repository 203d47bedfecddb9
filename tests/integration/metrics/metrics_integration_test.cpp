// txform's metrics endpoint against the real broker and a real Prometheus server (Debian's
// /usr/bin/prometheus) scraping it with the shipped configuration (deploy/prometheus/).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "../engine/pipeline_fixture.hpp"
#include "http_client.hpp"

namespace txform::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Polls `condition` every 200 ms until it holds (true) or `timeout` passes (false).
bool eventually(const std::function<bool()>& condition, std::chrono::seconds timeout = 120s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return condition();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// A Prometheus server on a free loopback port with the shipped scrape config and rules, aimed at
// one txform, scraping and evaluating every second. Stopped (and its storage removed) on exit.
class PrometheusServer {
 public:
  explicit PrometheusServer(int txform_port) : port_(free_port()) {
    char pattern[] = "/tmp/txform-prometheus-XXXXXX";
    dir_ = mkdtemp(pattern);
    const fs::path shipped = fs::path(TXFORM_SOURCE_DIR) / "deploy/prometheus";
    std::string config = read_file(shipped / "prometheus.yml");
    replace_all(config, "localhost:9464", "127.0.0.1:" + std::to_string(txform_port));
    replace_all(config, "15s", "1s");
    std::ofstream(dir_ / "prometheus.yml") << config;
    for (const char* rules : {"txform-recording.rules.yml", "txform-alerts.rules.yml"})
      fs::copy_file(shipped / rules, dir_ / rules);
    const std::string log = (dir_ / "prometheus.log").string();
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      const std::string config_arg = "--config.file=" + (dir_ / "prometheus.yml").string();
      const std::string storage_arg = "--storage.tsdb.path=" + (dir_ / "data").string();
      const std::string listen_arg = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
      execl("/usr/bin/prometheus", "prometheus", config_arg.c_str(), storage_arg.c_str(),
            listen_arg.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~PrometheusServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(100ms);
      if (waitpid(pid_, &status, WNOHANG) == 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  std::string log() const { return read_file(dir_ / "prometheus.log"); }

  // The value of an instant query's single sample; nullopt when there is none (yet).
  std::optional<double> query(const std::string& promql) const {
    const auto reply = http_get(port_, "/api/v1/query?query=" + url_encode(promql));
    if (reply.status != 200) return std::nullopt;
    const auto answer = nlohmann::json::parse(reply.body, nullptr, false);
    if (!answer.is_object() || answer.value("status", "") != "success") return std::nullopt;
    const auto& result = answer["data"]["result"];
    if (!result.is_array() || result.size() != 1) return std::nullopt;
    return std::stod(result[0]["value"][1].get<std::string>());
  }

 private:
  int port_;
  fs::path dir_;
  pid_t pid_ = -1;
};

class MetricsIntegration : public PipelineTest {
 protected:
  // The fixture's config with the metrics endpoint on a free port instead of off.
  std::string config_with_metrics(const std::string& plugin,
                                  const std::map<std::string, std::string>& plugin_config = {},
                                  const std::string& extra = "") const {
    std::string yaml = config(plugin, plugin_config, extra);
    replace_all(yaml, "metrics: {enabled: false}", "metrics: {listen: \"127.0.0.1:0\"}");
    return yaml;
  }
  // The port txform logged for its endpoint; fails the test when it did not start.
  static int endpoint_port(TxformProcess& txform) {
    EXPECT_TRUE(txform.wait_for_log("metrics endpoint listening on port")) << txform.output();
    std::smatch match;
    const std::string output = txform.output();
    if (!std::regex_search(output, match, std::regex("listening on port (\\d+)"))) return 0;
    return std::stoi(match[1]);
  }
  // Appends records `first`..`first + count - 1` to the input (produce_sequence wants it empty).
  void produce(int64_t first, int64_t count) {
    if (first == 0) {
      produce_sequence(input_, partitions_, count, [](int64_t seq) { return std::to_string(seq); });
      return;
    }
    auto producer = make_client(RD_KAFKA_PRODUCER, {{"acks", "all"}});
    for (int64_t seq = first; seq < first + count; ++seq) {
      const std::string key = sequence_key(seq);
      const std::string value = std::to_string(seq);
      while (rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(input_.c_str()),
                               RD_KAFKA_V_PARTITION(static_cast<int32_t>(seq % partitions_)),
                               RD_KAFKA_V_KEY(key.data(), key.size()),
                               RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer.get(), 50);
      }
    }
    ASSERT_EQ(rd_kafka_flush(producer.get(), 120000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
};

TEST_F(MetricsIntegration, PrometheusScrapesCommitLatencyAndTransactionSizes) {
  create_topics(6);
  produce(0, 20000);
  auto txform = start(config_with_metrics("passthrough", {}, "log: {level: debug}\n"));
  const int port = endpoint_port(*txform);
  ASSERT_GT(port, 0);
  PrometheusServer prometheus(port);

  const std::string committed = R"(txform_transactions_total{job="txform",outcome="committed"})";
  double first = 0;
  ASSERT_TRUE(eventually([&] {
    first = prometheus.query(committed).value_or(0);
    return first > 0;
  })) << "Prometheus never scraped a committed transaction\n"
      << prometheus.log();
  // More load: the committed count Prometheus sees goes up.
  produce(20000, 20000);
  EXPECT_TRUE(eventually([&] { return prometheus.query(committed).value_or(0) > first; }));
  expect_all_committed();

  // Idle now (transactions begin with a record): wait until Prometheus has scraped the count the
  // engine itself logged, one debug line per committed transaction.
  const auto logged = [&] {
    const std::string output = txform->output();
    const std::regex line("committed \\d+ records, \\d+ bytes in");
    return static_cast<double>(
        std::distance(std::sregex_iterator(output.begin(), output.end(), line), {}));
  };
  EXPECT_TRUE(eventually([&] { return prometheus.query(committed) == logged(); }))
      << "engine logged " << logged() << ", Prometheus has "
      << prometheus.query(committed).value_or(-1);
  EXPECT_EQ(prometheus.query(R"(txform_transaction_records_count{job="txform"})"), logged())
      << "one transaction-size observation per committed transaction";
  EXPECT_EQ(prometheus.query(R"(txform_transaction_bytes_count{job="txform"})"), logged());
  EXPECT_EQ(prometheus.query(R"(txform_transaction_records_sum{job="txform"})"), 40000)
      << "every input record in exactly one committed transaction";

  const auto p99 = prometheus.query(
      "histogram_quantile(0.99, sum by (le) "
      "(rate(txform_transaction_commit_duration_seconds_bucket{job=\"txform\"}[5m])))");
  ASSERT_TRUE(p99.has_value());
  EXPECT_TRUE(std::isfinite(*p99)) << *p99;
  EXPECT_GT(*p99, 0);
  // The shipped recording rule computes the same quantile.
  EXPECT_TRUE(eventually([&] {
    const auto recorded =
        prometheus.query("instance:txform_transaction_commit_duration_seconds:p99_5m");
    return recorded.has_value() && std::isfinite(*recorded);
  }));
  EXPECT_EQ(prometheus.query(R"(up{job="txform"})"), 1);

  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
}

TEST_F(MetricsIntegration, LiveScrapePassesPromtoolLint) {
  create_topics(2);
  produce(0, 2000);
  auto txform = start(config_with_metrics("testkit", {{"poison_prefix", "1"}},
                                          "error_policy: {on_record_error: dead_letter, "
                                          "dead_letter_topic: " +
                                              dlq_ + "}\n"));
  const int port = endpoint_port(*txform);
  ASSERT_GT(port, 0);
  expect_all_committed();
  const auto scrape = http_get(port, "/metrics");
  ASSERT_EQ(scrape.status, 200);
  EXPECT_NE(scrape.body.find("txform_records_dead_lettered_total "), std::string::npos);
  char path[] = "/tmp/txform-scrape-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, scrape.body.data(), scrape.body.size()),
            static_cast<ssize_t>(scrape.body.size()));
  close(fd);
  FILE* lint = popen(("promtool check metrics < " + std::string(path) + " 2>&1").c_str(), "r");
  ASSERT_NE(lint, nullptr);
  std::string findings;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, lint) != nullptr)
    findings += buffer;
  const int status = pclose(lint);
  unlink(path);
  EXPECT_EQ(status, 0) << findings;
  EXPECT_EQ(findings, "") << "promtool check metrics has findings";
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0);
}

void hold_rebalance(rd_kafka_t* consumer, rd_kafka_resp_err_t err,
                    rd_kafka_topic_partition_list_t* partitions, void*) {
  rd_kafka_assign(consumer, err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? partitions : nullptr);
}

TEST_F(MetricsIntegration, ReadyzIsUnavailableUntilTheGroupIsJoined) {
  create_topics(2);
  // Another member of the group that stops polling: the rebalance txform's join starts waits
  // for it to rejoin, so txform cannot join until it leaves.
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_rebalance_cb(conf, hold_rebalance);
  auto member = make_client(RD_KAFKA_CONSUMER, {{"group.id", group_}}, conf);
  rd_kafka_poll_set_consumer(member.get());
  kafka::PartitionListPtr topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), input_.c_str(), RD_KAFKA_PARTITION_UA);
  ASSERT_EQ(rd_kafka_subscribe(member.get(), topics.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_TRUE(eventually([&] {
    kafka::MessagePtr(rd_kafka_consumer_poll(member.get(), 100));
    rd_kafka_topic_partition_list_t* assignment = nullptr;
    rd_kafka_assignment(member.get(), &assignment);
    kafka::PartitionListPtr owned(assignment);
    return owned->cnt > 0;
  })) << "the blocking member never got its partitions";

  auto txform = start(config_with_metrics("passthrough"));
  const int port = endpoint_port(*txform);
  ASSERT_GT(port, 0);
  ASSERT_TRUE(txform->wait_for_log("transactional producer ready")) << txform->output();
  EXPECT_TRUE(eventually([&] {
    const auto reply = http_get(port, "/readyz");
    return reply.status == 503 && reply.body == "worker 0: consumer has not joined its group\n";
  })) << http_get(port, "/readyz").body;
  EXPECT_EQ(http_get(port, "/healthz").status, 200) << "waiting for a group is not being dead";

  rd_kafka_consumer_close(member.get());  // leaves the group: the rebalance completes
  EXPECT_TRUE(eventually([&] { return http_get(port, "/readyz").status == 200; }))
      << http_get(port, "/readyz").body << txform->output();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0);
}

TEST_F(MetricsIntegration, Kip848MemberWithoutPartitionsIsReady) {
  // A KIP-848 member the coordinator gives nothing gets no rebalance callback: it must still
  // count as joined, or a scaled-out StatefulSet would never become ready.
  create_topics(1);
  const std::string extra = "group_protocol: consumer\n";
  auto owner = start(config_with_metrics("passthrough", {}, extra));
  ASSERT_TRUE(owner->wait_for_log("assigned 1 partitions")) << owner->output();
  auto idle = start(config_with_metrics("passthrough", {}, extra));
  const int port = endpoint_port(*idle);
  ASSERT_GT(port, 0);
  EXPECT_TRUE(eventually([&] { return http_get(port, "/readyz").status == 200; }))
      << http_get(port, "/readyz").body << idle->output();
  EXPECT_NE(idle->output().find("no partitions assigned"), std::string::npos) << idle->output();
  EXPECT_EQ(idle->output().find("assigned 1 partitions"), std::string::npos) << idle->output();
  idle->signal(SIGTERM);
  owner->signal(SIGTERM);
  EXPECT_EQ(idle->wait(), 0) << idle->output();
  EXPECT_EQ(owner->wait(), 0) << owner->output();
}

TEST_F(MetricsIntegration, HealthzFailsWhileTheLoopIsStalled) {
  create_topics(1);
  // /healthz allows half of max.poll.interval.ms (5 s here) without a poll; the testkit plugin
  // stalls the loop 7 s on each record.
  auto txform = start(config_with_metrics(
      "testkit", {{"delay_us", "7000000"}},
      "kafka: {consumer: {max.poll.interval.ms: \"10000\", session.timeout.ms: \"6000\"}}\n"));
  const int port = endpoint_port(*txform);
  ASSERT_GT(port, 0);
  ASSERT_TRUE(eventually([&] { return http_get(port, "/readyz").status == 200; }))
      << txform->output();
  EXPECT_EQ(http_get(port, "/healthz").status, 200);

  produce(0, 1);
  EXPECT_TRUE(eventually([&] {
    const auto reply = http_get(port, "/healthz");
    return reply.status == 503 && reply.body.find("worker 0 has not polled for") == 0;
  })) << http_get(port, "/healthz").body;
  // The record done, the loop polls again.
  EXPECT_TRUE(eventually([&] { return http_get(port, "/healthz").status == 200; }));
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0);
}

}  // namespace
}  // namespace txform::testing
