#include "config/substitute.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config_test_support.hpp"

namespace txform::config {
namespace {

using testing::fake_env;

TEST(Substitute, ExpandsEnvironmentVariables) {
  const auto result = substitute("${A}-${B}", fake_env({{"A", "x"}, {"B", "y"}}));
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.value, "x-y");
  EXPECT_FALSE(result.read_file);
}

TEST(Substitute, DefaultAppliesWhenUnsetOrEmpty) {
  EXPECT_EQ(substitute("${A:-fallback}", fake_env()).value, "fallback");
  EXPECT_EQ(substitute("${A:-fallback}", fake_env({{"A", ""}})).value, "fallback");
  EXPECT_EQ(substitute("${A:-fallback}", fake_env({{"A", "set"}})).value, "set");
  EXPECT_EQ(substitute("${A:-}", fake_env()).value, "");
}

TEST(Substitute, MissingVariableIsNamedWithAFix) {
  const auto result = substitute("id-${POD_NAME}", fake_env());
  EXPECT_NE(result.error.find("POD_NAME is not set"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("${POD_NAME:-"), std::string::npos) << result.error;
}

TEST(Substitute, DollarDollarIsALiteral) {
  EXPECT_EQ(substitute("a$${B}c", fake_env()).value, "a${B}c");
}

TEST(Substitute, UnterminatedAndInvalidReferencesAreErrorsWithoutEchoingText) {
  EXPECT_NE(substitute("x${A", fake_env()).error.find("unterminated"), std::string::npos);
  const auto invalid = substitute("${not valid hunter2}", fake_env());
  EXPECT_NE(invalid.error.find("invalid"), std::string::npos) << invalid.error;
  EXPECT_EQ(invalid.error.find("hunter2"), std::string::npos) << invalid.error;
}

TEST(Substitute, FileContentWithoutTrailingNewlines) {
  const auto path = std::filesystem::temp_directory_path() / "txform_substitute_test_secret";
  std::ofstream(path) << "s3cr3t\r\n\n";
  const auto result = substitute("${file:" + path.string() + "}", fake_env());
  std::filesystem::remove(path);
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.value, "s3cr3t");
  EXPECT_TRUE(result.read_file);
}

TEST(Substitute, MissingFileIsNamed) {
  const auto result = substitute("${file:/nonexistent/txform/pw}", fake_env());
  EXPECT_NE(result.error.find("/nonexistent/txform/pw"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("cannot read"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace txform::config
