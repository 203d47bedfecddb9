// Bad configuration and an unreachable broker: clear messages, non-zero exits, or patient retries.
#include <signal.h>

#include "pipeline_fixture.hpp"

namespace txform::testing {
namespace {

class StartupErrors : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    create_topics(1);
  }
};

TEST_F(StartupErrors, LockedPropertyOverrideIsRefusedNamingTheKey) {
  const auto [code, output] = run_txform(
      config("passthrough", {}, "kafka:\n  consumer:\n    enable.auto.commit: \"true\"\n"),
      {"run"});
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("kafka.consumer.enable.auto.commit"), std::string::npos) << output;
}

TEST_F(StartupErrors, UnknownKeyIsRefusedWithItsPathAndLine) {
  const auto [code, output] =
      run_txform(config("passthrough", {}, "commit:\n  intervall_ms: 100\n"), {"run"});
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("commit.intervall_ms"), std::string::npos) << output;
  EXPECT_NE(output.find(":11:"), std::string::npos) << "line of the bad key\n" << output;
}

TEST_F(StartupErrors, MissingPluginStopsBeforeJoiningTheGroup) {
  const auto [code, output] = run_txform(config("no-such-plugin"), {"run"});
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("no-such-plugin"), std::string::npos) << output;
  EXPECT_EQ(output.find("assigned"), std::string::npos) << output;
}

TEST_F(StartupErrors, UnreachableBrokerIsRetriedNotFatal) {
  std::string yaml = config("passthrough");
  // A port nothing listens on: the first line of the config names the bootstrap servers.
  yaml.replace(0, yaml.find('\n'), "bootstrap_servers: \"127.0.0.1:1\"");
  TxformProcess txform(yaml);
  ASSERT_TRUE(txform.wait_for_log("retrying in")) << txform.output();
  const auto first = txform.output().find("retrying in");
  ASSERT_TRUE(txform.wait_for_log("(attempt 2)", std::chrono::seconds(120))) << txform.output();
  EXPECT_TRUE(txform.running()) << "txform must keep retrying\n" << txform.output();
  EXPECT_NE(first, std::string::npos);
  txform.signal(SIGTERM);
  EXPECT_EQ(txform.wait(), 0) << txform.output();
}

}  // namespace
}  // namespace txform::testing
