#include "deadline_watchdog.hpp"

#include <sys/socket.h>

namespace compshare {

deadline_watchdog::~deadline_watchdog() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void deadline_watchdog::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        if (!armed_) {
            wakes_at_ = clock::time_point::max();
            wake_.wait(lock);
            continue;
        }
        if (clock::now() < deadline_) {
            wakes_at_ = deadline_;
            wake_.wait_until(lock, deadline_);
            continue;  // re-check: disarmed, re-armed or stopped meanwhile
        }
        // Under the lock: the watch's destructor takes it too, so the socket cannot be closed
        // (and its number reused) while it is being shut down.
        ::shutdown(socket_, SHUT_RDWR);
        expired_ = true;
        armed_ = false;
    }
}

deadline_watchdog::watch::watch(deadline_watchdog& dog, int socket, clock::time_point deadline)
    : dog_(dog) {
    bool notify;
    {
        std::lock_guard<std::mutex> lock(dog_.mutex_);
        dog_.socket_ = socket;
        dog_.deadline_ = deadline;
        dog_.armed_ = true;
        dog_.expired_ = false;
        if (!dog_.thread_.joinable())
            dog_.thread_ = std::thread([&owner = dog_] { owner.run(); });
        notify = deadline < dog_.wakes_at_;
    }
    if (notify)
        dog_.wake_.notify_all();
}

deadline_watchdog::watch::~watch() {
    std::lock_guard<std::mutex> lock(dog_.mutex_);
    dog_.armed_ = false;
    dog_.socket_ = -1;
}

bool deadline_watchdog::watch::expired() const {
    std::lock_guard<std::mutex> lock(dog_.mutex_);
    return dog_.expired_;
}

}  // namespace compshare
