// Reading a file or stream with a size limit, without allocating the limit up front.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <istream>
#include <string>

namespace actionhost::core {

// Reads at most limit + 1 bytes (so the caller can tell "over the limit" without reading it
// all), in 64 KiB steps: memory follows the input, not the limit. (A zero-filled limit-sized
// buffer per file cost 1 MiB of peak resident memory for a 20 KiB manifest.) Stops at the end
// of the stream or on an error; the caller checks in.bad().
inline std::string read_limited(std::istream& in, std::size_t limit) {
    std::string text;
    std::array<char, 64 * 1024> chunk;
    while (text.size() <= limit) {
        const std::size_t want = std::min(chunk.size(), limit + 1 - text.size());
        in.read(chunk.data(), static_cast<std::streamsize>(want));
        const auto got = static_cast<std::size_t>(in.gcount());
        text.append(chunk.data(), got);
        if (got < want)
            break;
    }
    return text;
}

}  // namespace actionhost::core
