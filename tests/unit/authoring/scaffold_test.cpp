// `txform plugin new`'s scaffold: names, languages, directories and SDK prefixes it refuses (and
// why), and the files and commands it writes. tests/plugin-sdk/scaffold_test.sh builds them.
#include "authoring/scaffold.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "plugin_testing.hpp"

namespace txform::authoring {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fake installed SDK: the CMake package config and the Rust crate's manifest.
fs::path fake_prefix(plugin_testing::TempDir& dir) {
  const fs::path prefix = dir.path() / "prefix";
  fs::create_directories(prefix / "lib/cmake/txform-plugin-sdk");
  std::ofstream(prefix / "lib/cmake/txform-plugin-sdk/txform-plugin-sdkConfig.cmake") << "";
  fs::create_directories(prefix / "share/txform-plugin-sdk/rust");
  std::ofstream(prefix / "share/txform-plugin-sdk/rust/Cargo.toml") << "";
  return prefix;
}

std::string error_of(const ScaffoldOptions& options) {
  try {
    scaffold_plugin(options);
  } catch (const ScaffoldError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Scaffold, RefusesNamesThatAreNotLowerCaseWordsWithDashes) {
  for (const char* bad :
       {"", "Upper", "9lives", "under_score", "trailing-", "double--dash", "dot.ted", "sp ace"}) {
    EXPECT_THROW(check_plugin_name(bad), ScaffoldError) << bad;
  }
  EXPECT_THROW(check_plugin_name(std::string(65, 'a')), ScaffoldError);
  for (const char* good : {"a", "orders-enrich", "v2-filter"})
    EXPECT_NO_THROW(check_plugin_name(good)) << good;
  EXPECT_EQ(error_of({"Bad", "c", "", ""}),
            "plugin name 'Bad' is not valid: use 1 to 64 characters of a-z, 0-9 and single '-', "
            "starting with a letter and not ending with '-' (e.g. 'orders-enrich')");
}

TEST(Scaffold, RefusesAnUnknownLanguageAndAUsedDirectory) {
  plugin_testing::TempDir dir;
  EXPECT_EQ(error_of({"p", "go", dir.path() / "p", fake_prefix(dir)}),
            "--lang 'go' is not one of c, cpp, rust");
  fs::create_directories(dir.path() / "used");
  std::ofstream(dir.path() / "used/file") << "x";
  EXPECT_EQ(error_of({"p", "c", dir.path() / "used", fake_prefix(dir)}),
            (dir.path() / "used").string() +
                " already exists and is not an empty directory: choose another --dir");
}

TEST(Scaffold, RustNeedsTheInstalledRustSdk) {
  plugin_testing::TempDir dir;
  EXPECT_EQ(error_of({"p", "rust", dir.path() / "p", dir.path()}),
            "the Rust SDK is not installed under " + dir.path().string() + " (no " +
                (dir.path() / "share/txform-plugin-sdk/rust/Cargo.toml").string() +
                "): install the txform-plugin-sdk-dev package, or pass --sdk-prefix with the "
                "prefix the SDK is installed under");
}

TEST(Scaffold, WritesEveryPlaceholderAndTheCommandsForEachLanguage) {
  plugin_testing::TempDir dir;
  const fs::path prefix = fake_prefix(dir);
  for (const char* language : {"c", "cpp", "rust"}) {
    const fs::path project = dir.path() / (std::string("my-") + language);
    const Scaffold s = scaffold_plugin({"my-plugin", language, project, prefix});
    EXPECT_EQ(s.dir, project);
    EXPECT_TRUE(s.notes.empty()) << s.notes.front();
    ASSERT_FALSE(s.files.empty());
    for (const fs::path& file : s.files) {
      const std::string text = read(project / file);
      EXPECT_FALSE(text.empty()) << file;
      EXPECT_EQ(text.find("{{"), std::string::npos) << language << ": " << file;
    }
    EXPECT_NE(read(project / "test/expected.jsonl").find("\"plugin\":\"my-plugin@0.1.0\""),
              std::string::npos);
    ASSERT_EQ(s.commands.size(), 4u);
    EXPECT_EQ(
        s.commands.back(),
        "txform plugins --dir " +
            (project / (std::string(language) == "rust" ? "plugins" : "build/plugins")).string());
  }
  EXPECT_NE(read(dir.path() / "my-cpp/src/my-plugin.cpp").find("class MyPlugin {"),
            std::string::npos);
  EXPECT_NE(read(dir.path() / "my-rust/Cargo.toml")
                .find("txform-plugin = { path = \"" +
                      (prefix / "share/txform-plugin-sdk/rust").string() + "\" }"),
            std::string::npos);
  const Scaffold c = scaffold_plugin({"x", "c", dir.path() / "x", prefix});
  EXPECT_EQ(c.commands.front(), "cmake -S " + (dir.path() / "x").string() + " -B " +
                                    (dir.path() / "x/build").string() +
                                    " -DCMAKE_PREFIX_PATH=" + prefix.string());
}

TEST(Scaffold, SaysSoWhenTheCMakePackageIsNotUnderThePrefix) {
  plugin_testing::TempDir dir;
  const Scaffold s = scaffold_plugin({"p", "cpp", dir.path() / "p", dir.path() / "empty"});
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("install the txform-plugin-sdk-dev package"), std::string::npos);
  EXPECT_EQ(s.commands.front().find("CMAKE_PREFIX_PATH"), std::string::npos);
}

TEST(Scaffold, QuotesPathsForTheShell) {
  plugin_testing::TempDir dir;
  const Scaffold s = scaffold_plugin({"p", "c", dir.path() / "it's here", fake_prefix(dir)});
  EXPECT_NE(s.commands.back().find("'" + dir.path().string() + "/it'\\''s here/build/plugins'"),
            std::string::npos)
      << s.commands.back();
}

}  // namespace
}  // namespace txform::authoring
