#include "secret_string.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <new>
#include <utility>

namespace compshare {

namespace {

std::size_t page_rounded(std::size_t n) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return (n + page - 1) / page * page;
}

}  // namespace

secret_string::secret_string(std::string_view text) {
    *this = text;
}

secret_string::secret_string(const secret_string& other) : secret_string(other.view()) {}

secret_string::secret_string(secret_string&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      dont_dump_(std::exchange(other.dont_dump_, false)) {}

secret_string& secret_string::operator=(const secret_string& other) {
    if (this != &other)
        *this = other.view();
    return *this;
}

secret_string& secret_string::operator=(secret_string&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
        dont_dump_ = std::exchange(other.dont_dump_, false);
    }
    return *this;
}

secret_string& secret_string::operator=(std::string_view text) {
    if (text.empty()) {
        clear();
        return *this;
    }
    if (text.size() > capacity_) {
        // Pages of its own (not the heap's), so that madvise covers the secret and nothing else.
        const std::size_t capacity = page_rounded(text.size());
        void* pages =
            ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (pages == MAP_FAILED)
            throw std::bad_alloc();
        release();
        data_ = static_cast<char*>(pages);
        capacity_ = capacity;
        // Defence in depth: a kernel without MADV_DONTDUMP still gets the wipe.
        dont_dump_ = ::madvise(pages, capacity, MADV_DONTDUMP) == 0;
    } else {
        clear();
    }
    std::memcpy(data_, text.data(), text.size());
    size_ = text.size();
    return *this;
}

secret_string::~secret_string() {
    release();
}

void secret_string::clear() noexcept {
    if (data_ != nullptr)
        ::explicit_bzero(data_, capacity_);
    size_ = 0;
}

void secret_string::release() noexcept {
    clear();
    if (data_ != nullptr)
        ::munmap(data_, capacity_);
    data_ = nullptr;
    capacity_ = 0;
    dont_dump_ = false;
}

void wipe(std::string& text) noexcept {
    ::explicit_bzero(text.data(), text.size());
    text.clear();
}

}  // namespace compshare
