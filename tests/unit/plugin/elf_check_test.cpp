#include "plugin/elf_check.hpp"

#include <elf.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "plugin/plugin_error.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin {
namespace {

using plugin_testing::TempDir;

// The bytes of a real plugin, to corrupt one field at a time.
std::string passthrough_bytes() {
  std::ifstream in(plugin_testing::example_plugin_dir() / "passthrough.so", std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The reason check_elf_shared_object gives for `bytes`, or "" when it accepts them.
std::string reason_for(const std::string& bytes) {
  TempDir dir;
  try {
    check_elf_shared_object(dir.write("candidate.so", bytes));
  } catch (const PluginError& e) {
    EXPECT_NE(std::string(e.what()).find("candidate.so"), std::string::npos) << e.what();
    return e.reason();
  }
  return "";
}

TEST(ElfCheck, AcceptsARealPlugin) {
  EXPECT_EQ(reason_for(passthrough_bytes()), "");
}

TEST(ElfCheck, RefusesAFileThatIsNotElf) {
  EXPECT_NE(reason_for("#!/bin/sh\necho not a plugin\n").find("not an ELF shared object"),
            std::string::npos);
  EXPECT_NE(reason_for("").find("not an ELF shared object"), std::string::npos);
}

TEST(ElfCheck, RefusesAFileTruncatedInsideTheElfHeader) {
  EXPECT_NE(reason_for(passthrough_bytes().substr(0, 20)).find("truncated"), std::string::npos);
}

TEST(ElfCheck, RefusesAFileTruncatedAfterTheElfHeader) {
  const std::string bytes = passthrough_bytes();
  const std::string reason = reason_for(bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(reason.find("truncated: the file has"), std::string::npos) << reason;
}

TEST(ElfCheck, RefusesAnotherArchitecture) {
  std::string bytes = passthrough_bytes();
  bytes[offsetof(Elf64_Ehdr, e_machine)] = static_cast<char>(EM_AARCH64);
  bytes[offsetof(Elf64_Ehdr, e_machine) + 1] = 0;
  EXPECT_EQ(reason_for(bytes), "wrong architecture: built for aarch64, this host is x86-64");
}

TEST(ElfCheck, RefusesA32BitFile) {
  std::string bytes = passthrough_bytes();
  bytes[EI_CLASS] = ELFCLASS32;
  EXPECT_NE(reason_for(bytes).find("wrong architecture: a 32-bit ELF file"), std::string::npos);
}

TEST(ElfCheck, RefusesAnExecutable) {
  std::string bytes = passthrough_bytes();
  bytes[offsetof(Elf64_Ehdr, e_type)] = ET_EXEC;
  EXPECT_NE(reason_for(bytes).find("not a shared object"), std::string::npos);
}

}  // namespace
}  // namespace txform::plugin
