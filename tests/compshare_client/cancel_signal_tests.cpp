// actionhost::cancel_signal as the client uses it: a request wakes the descriptor, consume()
// clears both, and an invocation without a request leaves nothing behind.
#include <actionhost/cancel_signal.hpp>

#include <catch2/catch.hpp>

#include <poll.h>

#include <chrono>

namespace {

bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
}

}  // namespace

TEST_CASE("cancel_signal consume() clears a request and its wake-up", "[cancel_signal]") {
    actionhost::cancel_signal cancel;
    CHECK_FALSE(cancel.requested());
    CHECK_FALSE(readable(cancel.fd()));

    SECTION("a request, then consume()") {
        cancel.request();
        CHECK(cancel.requested());
        CHECK(readable(cancel.fd()));
        CHECK_FALSE(cancel.sleep_for(std::chrono::seconds(10)));  // returns at once
        cancel.consume();
        CHECK_FALSE(cancel.requested());
        CHECK_FALSE(readable(cancel.fd()));
        CHECK(cancel.sleep_for(std::chrono::milliseconds(1)));
    }
    SECTION("two requests are consumed at once") {
        cancel.request();
        cancel.request();
        cancel.consume();
        CHECK_FALSE(cancel.requested());
        CHECK_FALSE(readable(cancel.fd()));
    }
    SECTION("consume() without a request, then a request") {
        cancel.consume();
        CHECK_FALSE(cancel.requested());
        CHECK_FALSE(readable(cancel.fd()));
        cancel.request();
        CHECK(readable(cancel.fd()));
        cancel.consume();
        CHECK_FALSE(readable(cancel.fd()));
    }
}
