#include "plugin/sha256.hpp"

#include <gtest/gtest.h>

#include "plugin/plugin_error.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin {
namespace {

TEST(Sha256, MatchesTheStandardTestVector) {
  plugin_testing::TempDir dir;
  EXPECT_EQ(sha256_file(dir.write("abc", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_file(dir.write("empty", "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, HashesFilesLargerThanOneReadBuffer) {
  plugin_testing::TempDir dir;
  // 200 KiB of 'a' spans several 64 KiB reads; the digest is sha256sum's.
  EXPECT_EQ(sha256_file(dir.write("big", std::string(200 * 1024, 'a'))),
            "4b4f0f46ac02d177dea0ab36a66a657840e2fb98b20bb27a688db4d8ea9cd22c");
}

TEST(Sha256, ThrowsWhenTheFileIsMissing) {
  EXPECT_THROW(sha256_file("/nonexistent/plugin.so"), PluginError);
}

}  // namespace
}  // namespace txform::plugin
