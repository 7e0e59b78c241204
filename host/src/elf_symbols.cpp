#include "elf_symbols.hpp"

#include "bounded_file.hpp"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace actionhost::core {
namespace {

template <class T>
T read_at(const std::string& image, std::size_t offset, const std::string& what) {
    if (offset > image.size() || image.size() - offset < sizeof(T)) {
        throw std::runtime_error("truncated ELF file (" + what + ")");
    }
    T value;
    std::memcpy(&value, image.data() + offset, sizeof(T));
    return value;
}

template <class Ehdr, class Shdr, class Sym, unsigned char (*Bind)(unsigned char)>
std::vector<std::string> dynamic_symbols(const std::string& image) {
    const auto header = read_at<Ehdr>(image, 0, "header");
    std::vector<std::string> names;
    for (unsigned i = 0; i < header.e_shnum; ++i) {
        const auto section =
            read_at<Shdr>(image, header.e_shoff + std::size_t{i} * header.e_shentsize, "sections");
        if (section.sh_type != SHT_DYNSYM || section.sh_entsize == 0)
            continue;
        const auto strings = read_at<Shdr>(
            image, header.e_shoff + std::size_t{section.sh_link} * header.e_shentsize, "strings");
        for (std::size_t at = 0; at + sizeof(Sym) <= section.sh_size; at += section.sh_entsize) {
            const auto symbol = read_at<Sym>(image, section.sh_offset + at, "symbols");
            const unsigned char bind = Bind(symbol.st_info);
            const unsigned char visibility = symbol.st_other & 0x3;
            if (symbol.st_shndx == SHN_UNDEF || symbol.st_name == 0)
                continue;
            if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
                continue;
            if (visibility != STV_DEFAULT && visibility != STV_PROTECTED)
                continue;
            const std::size_t name_at = strings.sh_offset + symbol.st_name;
            if (name_at >= image.size())
                throw std::runtime_error("truncated ELF file (names)");
            names.emplace_back(image.c_str() + name_at,
                               strnlen(image.c_str() + name_at, image.size() - name_at));
        }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

unsigned char bind64(unsigned char info) {
    return ELF64_ST_BIND(info);
}
unsigned char bind32(unsigned char info) {
    return ELF32_ST_BIND(info);
}

}  // namespace

std::vector<std::string> elf_dynamic_symbols(const std::filesystem::path& library) {
    // Only regular files, and no larger than a plugin library can sensibly be.
    const std::string image = read_regular_file(library, max_library_bytes);
    if (image.size() < EI_NIDENT || std::memcmp(image.data(), ELFMAG, SELFMAG) != 0) {
        throw std::runtime_error("not an ELF file");
    }
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const unsigned char native = ELFDATA2LSB;
#else
    const unsigned char native = ELFDATA2MSB;
#endif
    if (static_cast<unsigned char>(image[EI_DATA]) != native) {
        throw std::runtime_error("an ELF file of the other byte order");
    }
    switch (image[EI_CLASS]) {
        case ELFCLASS64:
            return dynamic_symbols<Elf64_Ehdr, Elf64_Shdr, Elf64_Sym, bind64>(image);
        case ELFCLASS32:
            return dynamic_symbols<Elf32_Ehdr, Elf32_Shdr, Elf32_Sym, bind32>(image);
        default:
            throw std::runtime_error("an ELF file of unknown class");
    }
}

}  // namespace actionhost::core
