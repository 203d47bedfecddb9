#include "plugin/elf_check.hpp"

#include <elf.h>
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <string>

#include "plugin/plugin_error.hpp"

namespace txform::plugin {
namespace {

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
#else
#error "txform: add this architecture's ELF machine number"
#endif

// A readable name for the machines people actually mix up.
std::string machine_name(uint16_t machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "aarch64";
    case EM_386:
      return "i386";
    case EM_ARM:
      return "arm";
    case EM_RISCV:
      return "riscv";
    case EM_PPC64:
      return "ppc64";
    case EM_S390:
      return "s390";
    default:
      return fmt::format("machine {}", machine);
  }
}

// The end of a table of `count` entries of `size` bytes at `offset`, without overflow.
uint64_t table_end(uint64_t offset, uint64_t count, uint64_t size) {
  if (size != 0 && count > (UINT64_MAX - offset) / size) return UINT64_MAX;
  return offset + count * size;
}

}  // namespace

void check_elf_shared_object(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw PluginError(file, fmt::format("cannot open: {}", std::strerror(errno)));
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(file, ec);
  if (ec) throw PluginError(file, "cannot read its size: " + ec.message());

  unsigned char ident[EI_NIDENT] = {};
  in.read(reinterpret_cast<char*>(ident), sizeof ident);
  const auto got = static_cast<size_t>(in.gcount());
  if (got < SELFMAG || std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
    throw PluginError(file, "not an ELF shared object (no ELF magic number); is it a plugin?");
  }
  if (got < EI_NIDENT || file_size < sizeof(Elf64_Ehdr)) {
    throw PluginError(file,
                      fmt::format("truncated: {} bytes, shorter than an ELF header", file_size));
  }
  if (ident[EI_CLASS] != ELFCLASS64) {
    throw PluginError(file, "wrong architecture: a 32-bit ELF file; this host is 64-bit " +
                                machine_name(kHostMachine));
  }
  if (ident[EI_DATA] != ELFDATA2LSB) {
    throw PluginError(file, "wrong architecture: a big-endian ELF file; this host is " +
                                machine_name(kHostMachine));
  }

  Elf64_Ehdr header{};
  in.seekg(0);
  in.read(reinterpret_cast<char*>(&header), sizeof header);
  if (header.e_machine != kHostMachine) {
    throw PluginError(file,
                      fmt::format("wrong architecture: built for {}, this host is {}",
                                  machine_name(header.e_machine), machine_name(kHostMachine)));
  }
  if (header.e_type != ET_DYN) {
    throw PluginError(file, fmt::format("not a shared object (ELF type {}); build it as a "
                                        "shared library, e.g. with txform_add_plugin()",
                                        header.e_type));
  }
  const uint64_t needed = std::max(table_end(header.e_phoff, header.e_phnum, header.e_phentsize),
                                   table_end(header.e_shoff, header.e_shnum, header.e_shentsize));
  if (needed > file_size) {
    throw PluginError(file, fmt::format("truncated: the file has {} bytes but its ELF header "
                                        "describes at least {}",
                                        file_size, needed));
  }
}

}  // namespace txform::plugin
