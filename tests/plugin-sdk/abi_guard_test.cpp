// The ABI guard: plugin.h's layout is pinned (x86-64), identical in C99 and C++, and any change
// to its declarations without an ABI version bump fails here (plugin-sdk/abi/plugin.h.sha256
// records the hash of each version's declarations; comments and whitespace are not hashed).
#include <gtest/gtest.h>
#include <txform/plugin.h>

#include <array>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "abi_declarations.hpp"
#include "plugin/sha256.hpp"

extern "C" size_t txform_abi_c99_layout(size_t* out, size_t capacity);

namespace {

static_assert(sizeof(txform_bytes) == 16);
static_assert(sizeof(txform_header) == 32);
static_assert(sizeof(txform_config_entry) == 32);

static_assert(sizeof(txform_record) == 96);
static_assert(offsetof(txform_record, struct_size) == 0);
static_assert(offsetof(txform_record, topic) == 8);
static_assert(offsetof(txform_record, key) == 24);
static_assert(offsetof(txform_record, value) == 40);
static_assert(offsetof(txform_record, headers) == 56);
static_assert(offsetof(txform_record, header_count) == 64);
static_assert(offsetof(txform_record, timestamp_ms) == 72);
static_assert(offsetof(txform_record, offset) == 80);
static_assert(offsetof(txform_record, partition) == 88);

static_assert(sizeof(txform_output) == 88);
static_assert(offsetof(txform_output, topic) == 8);
static_assert(offsetof(txform_output, key) == 24);
static_assert(offsetof(txform_output, value) == 40);
static_assert(offsetof(txform_output, headers) == 56);
static_assert(offsetof(txform_output, header_count) == 64);
static_assert(offsetof(txform_output, timestamp_ms) == 72);
static_assert(offsetof(txform_output, partition) == 80);

static_assert(sizeof(txform_host_api) == 32);
static_assert(offsetof(txform_host_api, emit) == 8);
static_assert(offsetof(txform_host_api, log) == 16);
static_assert(offsetof(txform_host_api, set_error) == 24);

// The frozen prefix every ABI major keeps: struct_size, abi_major, abi_minor, name, version.
static_assert(sizeof(txform_plugin) == 80);
static_assert(offsetof(txform_plugin, abi_major) == 8);
static_assert(offsetof(txform_plugin, abi_minor) == 12);
static_assert(offsetof(txform_plugin, name) == 16);
static_assert(offsetof(txform_plugin, version) == 24);
static_assert(offsetof(txform_plugin, create) == 32);
static_assert(offsetof(txform_plugin, process) == 40);
static_assert(offsetof(txform_plugin, destroy) == 48);
static_assert(offsetof(txform_plugin, flush) == 56);
static_assert(offsetof(txform_plugin, on_commit) == 64);
static_assert(offsetof(txform_plugin, on_abort) == 72);

// The same list abi_layout_c99.c builds, as the C++ compiler sees it.
std::vector<size_t> cpp_layout() {
  return {sizeof(txform_bytes),
          sizeof(txform_header),
          sizeof(txform_config_entry),
          sizeof(txform_record),
          offsetof(txform_record, topic),
          offsetof(txform_record, key),
          offsetof(txform_record, value),
          offsetof(txform_record, headers),
          offsetof(txform_record, header_count),
          offsetof(txform_record, timestamp_ms),
          offsetof(txform_record, offset),
          offsetof(txform_record, partition),
          sizeof(txform_output),
          offsetof(txform_output, topic),
          offsetof(txform_output, key),
          offsetof(txform_output, value),
          offsetof(txform_output, headers),
          offsetof(txform_output, header_count),
          offsetof(txform_output, timestamp_ms),
          offsetof(txform_output, partition),
          sizeof(txform_host_api),
          offsetof(txform_host_api, emit),
          offsetof(txform_host_api, log),
          offsetof(txform_host_api, set_error),
          sizeof(txform_plugin),
          offsetof(txform_plugin, abi_major),
          offsetof(txform_plugin, abi_minor),
          offsetof(txform_plugin, name),
          offsetof(txform_plugin, version),
          offsetof(txform_plugin, create),
          offsetof(txform_plugin, process),
          offsetof(txform_plugin, destroy),
          offsetof(txform_plugin, flush),
          offsetof(txform_plugin, on_commit),
          offsetof(txform_plugin, on_abort)};
}

TEST(AbiGuard, C99AndCppAgreeOnEveryStructLayout) {
  std::array<size_t, 64> c99{};
  const size_t count = txform_abi_c99_layout(c99.data(), c99.size());
  EXPECT_EQ(std::vector<size_t>(c99.begin(), c99.begin() + static_cast<std::ptrdiff_t>(count)),
            cpp_layout());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// SHA-256 of plugin.h's declarations (txform::abi_guard::declarations), lower-case hex.
std::string declarations_hash(const std::string& header) {
  const std::string path = ::testing::TempDir() + "/plugin.h.declarations";
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << txform::abi_guard::declarations(header);
  return txform::plugin::sha256_file(path);
}

TEST(AbiGuard, HeaderHashIsRecordedForItsAbiVersion) {
  const std::string version =
      std::to_string(TXFORM_ABI_VERSION_MAJOR) + "." + std::to_string(TXFORM_ABI_VERSION_MINOR);
  const std::string actual = declarations_hash(read_file(TXFORM_TEST_PLUGIN_H));
  std::ifstream recorded_file(TXFORM_TEST_PLUGIN_H_HASHES);
  ASSERT_TRUE(recorded_file) << "cannot read " << TXFORM_TEST_PLUGIN_H_HASHES;
  std::string line;
  std::string recorded;
  while (std::getline(recorded_file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string line_version;
    std::string hash;
    fields >> line_version >> hash;
    if (line_version == version) recorded = hash;
    if (line_version != version) {
      EXPECT_NE(hash, actual) << "plugin.h is identical to ABI " << line_version
                              << ": bumping the version without a change is not allowed";
    }
  }
  ASSERT_FALSE(recorded.empty()) << "ABI " << version << " has no recorded hash: add the line '"
                                 << version << " " << actual << "' to "
                                 << TXFORM_TEST_PLUGIN_H_HASHES;
  EXPECT_EQ(actual, recorded)
      << "plugin.h's declarations changed without an ABI version bump (comments and whitespace "
         "do not count). An append-only change (a new field at "
         "the end of a struct, a new host function) bumps TXFORM_ABI_VERSION_MINOR; anything else "
         "bumps TXFORM_ABI_VERSION_MAJOR. Then add '<major>.<minor> "
      << actual << "' to " << TXFORM_TEST_PLUGIN_H_HASHES;
}

// What the guard hashes: edits to comments and layout leave it alone, any other edit changes it.
using txform::abi_guard::declarations;

constexpr std::string_view kHeader =
    "/* The ABI. */\n"
    "#define TXFORM_ABI_VERSION_MINOR 0\n"
    "#define TXFORM_PLUGIN_ENTRY_SYMBOL \"txform_plugin_entry_v1\" /* the symbol */\n"
    "typedef struct txform_bytes {\n"
    "  const char* data; // where\n"
    "  size_t size;\n"
    "} txform_bytes;\n";

TEST(AbiDeclarations, KeepTokensAndDirectivesWithoutComments) {
  EXPECT_EQ(declarations(kHeader),
            "#define TXFORM_ABI_VERSION_MINOR 0\n"
            "#define TXFORM_PLUGIN_ENTRY_SYMBOL \"txform_plugin_entry_v1\"\n"
            "typedef struct txform_bytes { const char * data ; size_t size ; } txform_bytes ;");
}

TEST(AbiDeclarations, IgnoreCommentAndWhitespaceEdits) {
  const std::string reworded =
      "/* The ABI, v1: a longer comment\n * over two lines. */\n"
      "#define   TXFORM_ABI_VERSION_MINOR\t0   // minor\n"
      "#define TXFORM_PLUGIN_ENTRY_SYMBOL \"txform_plugin_entry_v1\"\n"
      "\n"
      "typedef struct txform_bytes { const char *data;\n"
      "                              size_t size; /* bytes */ } txform_bytes;\n";
  EXPECT_EQ(declarations(reworded), declarations(kHeader));
}

TEST(AbiDeclarations, SeeEveryDeclarationChange) {
  const std::string base = declarations(kHeader);
  const auto edited = [](std::string_view from, std::string_view to) {
    std::string text(kHeader);
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return declarations(text.replace(at, from.size(), to));
  };
  EXPECT_NE(edited("MINOR 0", "MINOR 1"), base);                              // a macro's value
  EXPECT_NE(edited("size_t size;", "uint32_t size;"), base);                  // a field's type
  EXPECT_NE(edited("size_t size;", "size_t length;"), base);                  // a field's name
  EXPECT_NE(edited("  size_t size;\n", "  size_t size;\n  int x;\n"), base);  // a new field
  EXPECT_NE(edited("entry_v1\"", "entry_v2\""), base);                        // a string literal
  // Comment markers inside a literal are the literal's text, not a comment.
  EXPECT_EQ(declarations("#define S \"a /* b */ // c\"\n"), "#define S \"a /* b */ // c\"\n");
  // `#define F(x)` defines a function-like macro, `#define F (x)` an object-like one.
  EXPECT_NE(declarations("#define F(x) x\n"), declarations("#define F (x) x\n"));
  EXPECT_EQ(declarations("#define F(x) x\n"), declarations("#define F(x)   x // F\n"));
  // Operators of several characters are one token: `||` is not `| |`.
  EXPECT_NE(declarations("#if A || B\n"), declarations("#if A | | B\n"));
  EXPECT_EQ(declarations("#if A || B\n"), declarations("#if A||B\n"));
  // A directive ends at its line end: moving a token across it changes the meaning.
  EXPECT_NE(declarations("#define A 1\nint x;\n"), declarations("#define A 1 int\nx;\n"));
}

TEST(AbiDeclarations, SayWhereACommentOrLiteralIsUnterminated) {
  try {
    declarations("int a;\n/* never closed\n");
    FAIL() << "accepted an unterminated comment";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unterminated /* comment at line 2");
  }
  EXPECT_THROW(declarations("#define S \"open\n"), std::invalid_argument);
}

}  // namespace
