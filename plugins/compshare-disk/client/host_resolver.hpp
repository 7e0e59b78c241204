// Name resolution that a cancel or a deadline can abandon. getaddrinfo() cannot be interrupted,
// so each lookup of a name runs on a helper thread and the caller waits for it, for a cancel or
// for the deadline, whichever comes first. An abandoned lookup finishes on its own; its result is
// dropped. (getaddrinfo_a would need the same bookkeeping for a request glibc still writes to,
// and polling to watch the cancel; a thread is simpler and portable.)
#pragma once

#include <actionhost/plugin.hpp>

#include <Poco/Net/SocketAddress.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace compshare {

struct resolve_failure {
    enum class kind { failed, cancelled, deadline };
    kind what;
    std::string message;  // for "failed": the resolver's description (names the host only)
};

class host_resolver {
  public:
    using clock = std::chrono::steady_clock;
    // Blocking lookup of one address; throws Poco::Exception when the name does not resolve.
    using lookup_fn =
        std::function<Poco::Net::SocketAddress(const std::string& host, std::uint16_t port)>;

    host_resolver();                           // Poco's resolver (getaddrinfo, IPv4 first)
    explicit host_resolver(lookup_fn lookup);  // tests: a lookup that blocks on demand
    // Waits for abandoned lookups still running (the resolver's own timeout bounds them): their
    // threads must not outlive the code they run.
    ~host_resolver();
    host_resolver(const host_resolver&) = delete;
    host_resolver& operator=(const host_resolver&) = delete;

    // An IP literal at once; a name on a helper thread. Throws resolve_failure.
    Poco::Net::SocketAddress resolve(const std::string& host, std::uint16_t port,
                                     actionhost::cancel_signal& cancel, clock::time_point deadline);

    // Lookups abandoned and still running (tests).
    std::size_t abandoned() const noexcept;

  private:
    struct lookup;
    struct pending {
        std::shared_ptr<lookup> state;
        std::thread thread;
    };
    void reap();

    lookup_fn lookup_;
    std::vector<pending> abandoned_;
};

}  // namespace compshare
