// secret_string: the private key's pages are excluded from core dumps and wiped.
#include "client/secret_string.hpp"
#include "client/settings.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>

using compshare::secret_string;

namespace {

bool all_zero(const char* data, std::size_t size) {
    return std::all_of(data, data + size, [](char c) { return c == 0; });
}

// The VmFlags line of the mapping that starts at `address`, from /proc/self/smaps ("" if none).
std::string vm_flags_of(const void* address) {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool in_mapping = false;
    const auto start = reinterpret_cast<std::uintptr_t>(address);
    while (std::getline(smaps, line)) {
        const auto dash = line.find('-');
        if (dash != std::string::npos && dash > 0 && line.find(' ') > dash &&
            line.find_first_not_of("0123456789abcdef") == dash) {
            in_mapping = std::stoull(line.substr(0, dash), nullptr, 16) == start;
        } else if (in_mapping && line.rfind("VmFlags:", 0) == 0) {
            return line;
        }
    }
    return {};
}

}  // namespace

TEST_CASE("compshare_client secret_string holds a value on pages of its own",
          "[compshare_client][secrets]") {
    const secret_string key("PRIVATE-KEY-ON-ITS-OWN-PAGE");
    CHECK(key == "PRIVATE-KEY-ON-ITS-OWN-PAGE");
    CHECK(key.size() == 27);
    REQUIRE(key.storage() != nullptr);
    CHECK(reinterpret_cast<std::uintptr_t>(key.storage()) % 4096 == 0);
    CHECK(key.capacity() % 4096 == 0);
    CHECK(key.excluded_from_core_dumps());  // madvise(MADV_DONTDUMP) succeeded
    if (std::ifstream("/proc/self/smaps")) {
        // The kernel's view: "dd" = do not dump.
        CHECK_THAT(vm_flags_of(key.storage()), Catch::Contains(" dd"));
    }
    CHECK(secret_string().empty());
    CHECK(secret_string().storage() == nullptr);
}

TEST_CASE("compshare_client secret_string wipes what it held", "[compshare_client][secrets]") {
    secret_string key("A-LONG-PRIVATE-KEY-TO-BE-WIPED-0123456789");
    const char* pages = key.storage();
    const std::size_t capacity = key.capacity();

    SECTION("clear() wipes the pages, which stay mapped") {
        key.clear();
        CHECK(key.empty());
        CHECK(key.storage() == pages);
        CHECK(all_zero(pages, capacity));
    }
    SECTION("a shorter value leaves nothing of the longer one") {
        key = std::string_view("SHORT");
        CHECK(key == "SHORT");
        CHECK(key.storage() == pages);  // reused
        CHECK(all_zero(pages + 5, capacity - 5));
    }
    SECTION("the empty value wipes") {
        key = std::string_view();
        CHECK(key.empty());
        CHECK(all_zero(pages, capacity));
    }
    SECTION("copies have pages of their own; a move takes them") {
        secret_string copy(key);
        CHECK(copy == key.view());
        CHECK(copy.storage() != key.storage());
        CHECK(copy.excluded_from_core_dumps());
        secret_string moved(std::move(copy));
        CHECK(moved == "A-LONG-PRIVATE-KEY-TO-BE-WIPED-0123456789");
        CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
        CHECK(copy.storage() == nullptr);
    }
}

TEST_CASE("compshare_client wipe() clears a transient copy", "[compshare_client][secrets]") {
    std::string text(100, 'k');
    const char* data = text.data();
    compshare::wipe(text);
    CHECK(text.empty());
    CHECK(all_zero(data, 100));  // the heap buffer is still the string's (capacity kept)
}

TEST_CASE("compshare_client resolved settings keep the private key in a secret_string",
          "[compshare_client][secrets][settings]") {
    const auto s = compshare::resolve_settings(
        R"({"public_key":"PUB","private_key":"PRIV-IN-PAGES"})",
        [](const char*) -> std::optional<std::string> { return std::nullopt; });
    CHECK(s.private_key == "PRIV-IN-PAGES");
    CHECK(s.private_key.excluded_from_core_dumps());
}
