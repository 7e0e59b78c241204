// A string for the private key: kept on pages of its own that are excluded from core dumps
// (madvise MADV_DONTDUMP), and wiped (explicit_bzero) before the pages are released or reused.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace compshare {

class secret_string {
  public:
    secret_string() noexcept = default;
    explicit secret_string(std::string_view text);
    secret_string(const secret_string& other);
    secret_string(secret_string&& other) noexcept;
    secret_string& operator=(const secret_string& other);
    secret_string& operator=(secret_string&& other) noexcept;
    secret_string& operator=(std::string_view text);
    ~secret_string();

    std::string_view view() const noexcept { return {data_, size_}; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    // Wipes the text; the pages stay for the next value.
    void clear() noexcept;

    // For tests: the pages holding the text, and whether the kernel took MADV_DONTDUMP.
    const char* storage() const noexcept { return data_; }
    std::size_t capacity() const noexcept { return capacity_; }
    bool excluded_from_core_dumps() const noexcept { return dont_dump_; }

    friend bool operator==(const secret_string& a, std::string_view b) noexcept {
        return a.view() == b;
    }
    friend bool operator!=(const secret_string& a, std::string_view b) noexcept {
        return !(a == b);
    }

  private:
    void release() noexcept;  // wipe and unmap

    char* data_ = nullptr;  // mmap'ed, page-aligned, capacity_ bytes; null when empty
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    bool dont_dump_ = false;
};

// Overwrites a std::string's characters (a transient copy of a secret) before it is dropped.
void wipe(std::string& text) noexcept;

}  // namespace compshare
