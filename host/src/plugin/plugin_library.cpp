#include "plugin/plugin_library.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <boost/dll/shared_library.hpp>
#include <cerrno>
#include <cstring>
#include <exception>

#include "plugin/elf_check.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin/sha256.hpp"

namespace txform::plugin {
namespace {

// The fields every ABI major keeps at the front, so any host can name any plugin's version.
constexpr size_t kFrozenPrefixSize = offsetof(txform_plugin, version) + sizeof(const char*);

// True for names a pipeline config can spell: [A-Za-z0-9._-]+.
bool valid_name(const char* name) {
  if (name == nullptr || *name == '\0') return false;
  for (const char* c = name; *c != '\0'; ++c) {
    const bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                    (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-';
    if (!ok) return false;
  }
  return true;
}

// Calls the entry point; a C++ plugin that throws through the C ABI is refused, not fatal.
const txform_plugin* call_entry(const std::filesystem::path& file, txform_plugin_entry_fn entry) {
  try {
    return entry(kHostAbiMajor, kHostAbiMinor);
  } catch (const std::exception& e) {
    throw PluginError(
        file, fmt::format("{} threw an exception across the C ABI: {}", kEntrySymbol, e.what()));
  } catch (...) {
    throw PluginError(file, fmt::format("{} threw an exception across the C ABI", kEntrySymbol));
  }
}

// Throws unless the descriptor's ABI major matches the host's.
void check_abi_version(const std::filesystem::path& file, const txform_plugin& d) {
  if (d.abi_major == kHostAbiMajor) return;
  const bool newer = d.abi_major > kHostAbiMajor;
  throw PluginError(
      file, fmt::format("plugin ABI {}.{} is {} than this host's ABI {}.{}: {}", d.abi_major,
                        d.abi_minor, newer ? "newer" : "older", kHostAbiMajor, kHostAbiMinor,
                        newer ? fmt::format("upgrade txform, or rebuild the plugin against "
                                            "txform-plugin-sdk {}.x",
                                            kHostAbiMajor)
                              : fmt::format("rebuild the plugin against txform-plugin-sdk {}.x",
                                            kHostAbiMajor)));
}

// Copies the descriptor's entry points, reading optional fields only when struct_size has them.
PluginFunctions functions_of(const txform_plugin& d) {
  PluginFunctions f;
  f.create = d.create;
  f.process = d.process;
  f.destroy = d.destroy;
  if (covers(d.struct_size, offsetof(txform_plugin, flush) + sizeof d.flush)) f.flush = d.flush;
  if (covers(d.struct_size, offsetof(txform_plugin, on_commit) + sizeof d.on_commit)) {
    f.on_commit = d.on_commit;
  }
  if (covers(d.struct_size, offsetof(txform_plugin, on_abort) + sizeof d.on_abort)) {
    f.on_abort = d.on_abort;
  }
  return f;
}

// A loaded library and the descriptor it was loaded through, released in that order.
struct Mapping {
  int fd = -1;
  boost::dll::shared_library library;
  ~Mapping() {
    library.unload();
    if (fd >= 0) ::close(fd);
  }
};

// The name to dlopen `file` by. glibc's dlopen hands back the library already loaded under the
// same name even when the file was replaced since, so a plugin reload would keep the old code.
// /proc/self/fd/N of a descriptor held open while the library is loaded is a name no other
// loaded library has; glibc still shares one mapping when the very same file (device and
// inode) is loaded twice. Without /proc, the path itself.
std::string load_name(const std::filesystem::path& file, Mapping& mapping) {
  mapping.fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (mapping.fd < 0) throw PluginError(file, fmt::format("cannot open: {}", std::strerror(errno)));
  std::string name = fmt::format("/proc/self/fd/{}", mapping.fd);
  if (::access(name.c_str(), R_OK) != 0) return file.string();
  return name;
}

}  // namespace

std::shared_ptr<const PluginLibrary> PluginLibrary::open(const std::filesystem::path& file) {
  check_elf_shared_object(file);

  auto mapping = std::make_shared<Mapping>();
  auto* library = &mapping->library;
  try {
    // Local binding: a plugin's symbols (its own protobuf, say) never satisfy another's.
    library->load(load_name(file, *mapping),
                  boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  } catch (const PluginError&) {
    throw;
  } catch (const std::exception& e) {
    throw PluginError(file, fmt::format("cannot load: {}", e.what()));
  }
  if (!library->has(kEntrySymbol)) {
    throw PluginError(file, fmt::format("missing entry symbol {}: not a txform plugin, or built "
                                        "without TXFORM_PLUGIN()/TXFORM_PLUGIN_EXPORT",
                                        kEntrySymbol));
  }
  auto entry = &library->get<const txform_plugin*(uint32_t, uint32_t)>(kEntrySymbol);
  const txform_plugin* d = call_entry(file, entry);
  if (d == nullptr) {
    throw PluginError(file, fmt::format("the plugin refused to run with this host (ABI {}.{}): "
                                        "{} returned NULL",
                                        kHostAbiMajor, kHostAbiMinor, kEntrySymbol));
  }
  if (d->struct_size < kFrozenPrefixSize) {
    throw PluginError(file, fmt::format("descriptor struct_size {} is too small to hold the "
                                        "version fields ({} bytes); the plugin is corrupt",
                                        d->struct_size, kFrozenPrefixSize));
  }
  check_abi_version(file, *d);
  if (d->struct_size < kDescriptorMinSize) {
    throw PluginError(file, fmt::format("descriptor struct_size {} is smaller than ABI {}.x's "
                                        "minimum of {} bytes",
                                        d->struct_size, kHostAbiMajor, kDescriptorMinSize));
  }
  if (!valid_name(d->name)) {
    throw PluginError(file, "descriptor name is missing or not made of [A-Za-z0-9._-]");
  }
  if (d->version == nullptr || *d->version == '\0') {
    throw PluginError(file, "descriptor version is missing");
  }
  if (d->create == nullptr || d->process == nullptr || d->destroy == nullptr) {
    throw PluginError(file, "descriptor lacks a required function (create, process, destroy)");
  }

  std::shared_ptr<PluginLibrary> result(new PluginLibrary());
  result->functions_ = functions_of(*d);
  result->info_ = PluginInfo{d->name,
                             d->version,
                             d->abi_major,
                             d->abi_minor,
                             file,
                             sha256_file(file),
                             fmt::format("{}@{}", d->name, d->version)};
  result->handle_ = std::move(mapping);
  return result;
}

}  // namespace txform::plugin
