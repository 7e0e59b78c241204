// Lists the dynamic symbols a shared library defines, without loading it.
//
// Why not boost::dll::library_info: in Boost 1.74 it reads the static symbol table (.symtab),
// which `strip` removes, so an installed (stripped) plugin would seem to export nothing. The
// dynamic table (.dynsym) is what dlsym() resolves against.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace actionhost::core {

// Largest library read for its symbols (a real plugin is a few MiB).
inline constexpr std::size_t max_library_bytes = 256 * 1024 * 1024;

// Defined, global or weak, default- or protected-visibility symbols of .dynsym, sorted. Throws
// std::runtime_error when the file is not a readable ELF file of this machine's byte order.
std::vector<std::string> elf_dynamic_symbols(const std::filesystem::path& library);

}  // namespace actionhost::core
