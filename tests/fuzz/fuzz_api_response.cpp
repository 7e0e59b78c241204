// libFuzzer target: the API response parser (any body the service or a proxy may send) and the
// DescribeCompShareInstance reader on top of it, as used for Describe and Detach replies.
// Documented failures are bad_response_error and malformed_response; nothing else may escape.
#include "actions/instance_view.hpp"
#include "client/response.hpp"

#include <actionhost/json/reader.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace compshare;
using namespace compshare::detach;

void check(bool condition) {
    if (!condition)
        std::abort();
}

// The UHostId of the reply's first UHostSet entry, when there is one, so the reader also takes
// its "found" path. The harness's own probing, not the code under test: errors are ignored.
std::string first_uhost_id(const std::string& body) {
    try {
        const auto object = actionhost::json::as_object(actionhost::json::parse(body));
        const auto set = object ? object->getArray("UHostSet") : nullptr;
        if (set && set->size() > 0) {
            const auto first = set->getObject(0);
            if (first && first->has("UHostId") && first->get("UHostId").isString())
                return first->getValue<std::string>("UHostId");
        }
    } catch (const Poco::Exception&) {
    } catch (const actionhost::json::parse_error&) {
    }
    return "uhost-fuzz";
}

void read_describe(const std::string& body, const std::string& uhost_id) {
    try {
        const auto view = parse_describe(body, uhost_id);
        if (!view)
            return;
        check(view->uhost_id == uhost_id);
        for (const auto& disk : view->disks) {
            check(!disk.id.empty());
            check(disk.drive.empty() || disk.drive.compare(0, 5, "/dev/") == 0);
            check(view->find_disk(disk.id) != nullptr);
        }
    } catch (const malformed_response& e) {
        check(e.what()[0] != '\0');
    }
}

void check_clean_text(const std::string& text) {
    const auto cleaned = clean_text(text, 40);
    check(cleaned.size() <= 40 + 3);  // "..." marks a cut
    for (const char c : cleaned) {
        const auto u = static_cast<unsigned char>(c);
        check(u >= 0x20 && u != 0x7F);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    check_clean_text(body);
    try {
        const auto response = parse_response(body);
        check_clean_text(response.message);
        read_describe(body, first_uhost_id(body));
        read_describe(body, "uhost-fuzz");
    } catch (const bad_response_error& e) {
        check(e.what()[0] != '\0');
    }
    return 0;
}
