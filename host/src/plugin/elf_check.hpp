// Reads a plugin file's ELF header before dlopen sees it, so a bad file gets a clear reason.
#pragma once

#include <filesystem>

namespace txform::plugin {

// Throws PluginError unless `file` is a complete ELF shared object for this host's architecture
// (catches: not ELF, truncated, wrong class, byte order or machine, not ET_DYN).
void check_elf_shared_object(const std::filesystem::path& file);

}  // namespace txform::plugin
