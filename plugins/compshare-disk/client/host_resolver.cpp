#include "host_resolver.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <mutex>
#include <optional>
#include <thread>

namespace compshare {

// What the helper thread hands back. Shared, so an abandoned lookup can still write to it.
struct host_resolver::lookup {
    lookup() : done_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
        if (done_fd < 0)
            throw resolve_failure{resolve_failure::kind::failed, "cannot create an eventfd"};
    }
    ~lookup() { ::close(done_fd); }
    lookup(const lookup&) = delete;
    lookup& operator=(const lookup&) = delete;

    int done_fd;  // readable once the lookup finished
    std::mutex mutex;
    bool done = false;
    std::optional<Poco::Net::SocketAddress> address;
    std::string error;
};

host_resolver::host_resolver()
    : host_resolver([](const std::string& host, std::uint16_t port) {
          return Poco::Net::SocketAddress(host, port);
      }) {}

host_resolver::host_resolver(lookup_fn lookup) : lookup_(std::move(lookup)) {}

host_resolver::~host_resolver() {
    for (auto& p : abandoned_)
        p.thread.join();
}

std::size_t host_resolver::abandoned() const noexcept {
    std::size_t running = 0;
    for (const auto& p : abandoned_) {
        std::lock_guard<std::mutex> lock(p.state->mutex);
        running += p.state->done ? 0 : 1;
    }
    return running;
}

void host_resolver::reap() {
    for (auto it = abandoned_.begin(); it != abandoned_.end();) {
        bool done;
        {
            std::lock_guard<std::mutex> lock(it->state->mutex);
            done = it->state->done;
        }
        if (done) {
            it->thread.join();
            it = abandoned_.erase(it);
        } else {
            ++it;
        }
    }
}

Poco::Net::SocketAddress host_resolver::resolve(const std::string& host, std::uint16_t port,
                                                actionhost::cancel_signal& cancel,
                                                clock::time_point deadline) {
    Poco::Net::IPAddress literal;
    if (Poco::Net::IPAddress::tryParse(host, literal))
        return Poco::Net::SocketAddress(literal, port);
    reap();
    if (cancel.requested())
        throw resolve_failure{resolve_failure::kind::cancelled, "cancelled"};

    auto state = std::make_shared<lookup>();
    std::thread thread([state, host, port, lookup = lookup_] {
        std::optional<Poco::Net::SocketAddress> address;
        std::string error;
        try {
            address = lookup(host, port);
        } catch (const Poco::Exception& e) {
            error = e.displayText();  // "Host not found: NAME" and the like
        } catch (const std::exception& e) {
            error = e.what();
        }
        {
            std::lock_guard<std::mutex> lock(state->mutex);
            state->address = std::move(address);
            state->error = std::move(error);
            state->done = true;
        }
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(state->done_fd, &one, sizeof one);
    });

    // Waits on the lookup's eventfd and the cancel's; a stale wake-up of the cancel's (a cancel
    // consumed meanwhile) would make poll() spin, so from then on it is checked every 50 ms.
    bool watch_cancel = true;
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(state->mutex);
            if (state->done) {
                thread.join();
                if (state->address)
                    return *state->address;
                throw resolve_failure{resolve_failure::kind::failed, state->error};
            }
        }
        const bool cancelled = cancel.requested();
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
        if (cancelled || left.count() <= 0) {
            abandoned_.push_back({std::move(state), std::move(thread)});
            throw resolve_failure{
                cancelled ? resolve_failure::kind::cancelled : resolve_failure::kind::deadline,
                cancelled ? "cancelled" : "the deadline passed while resolving " + host};
        }
        pollfd fds[2] = {{state->done_fd, POLLIN, 0}, {cancel.fd(), POLLIN, 0}};
        const int wait = static_cast<int>(watch_cancel ? std::min<long long>(left.count(), 1000000)
                                                       : std::min<long long>(left.count(), 50));
        if (::poll(fds, watch_cancel ? 2 : 1, wait) > 0 && (fds[1].revents & POLLIN) &&
            !cancel.requested()) {
            watch_cancel = false;
        }
    }
}

}  // namespace compshare
