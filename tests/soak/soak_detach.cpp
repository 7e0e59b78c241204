// Soak: one process invokes compshare-disk's `detach` many times (10,000 by default) on a pool of
// instances against the in-process compshare-emulator, through the host's plugin_library and
// plugin_instance, and checks:
// - every result is a JSON object with status "detach_requested" and ok true, and every detach
//   reached the emulator exactly once;
// - resident memory after warm-up grows by less than 1 MiB by the end;
// - open file descriptors return to their starting count once the plugin instance and the
//   emulator are gone (the counts while alive are printed too).
// The disks come back between rounds through server::set_state(). Wait:false and a detach delay
// of 0, so no invocation sleeps. Prints the figures; exit code 0 = all checks passed.
//
// --action move: each disk is detached and attached back (two invocations, attach_requested,
// one accepted AttachCompshareDisk each); --action status: each disk's place is read (no write
// may reach the emulator).
//
// Usage: soak_detach [--action detach|move|status] [--invokes N] [--warmup N] [--no-rss-check]
#include "fleet_state.hpp"
#include "plugin_instance.hpp"
#include "plugin_library.hpp"

#include <actionhost/plugin_api.h>

#include <compshare_emulator/server.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef COMPSHARE_DISK_PLUGIN
#error "COMPSHARE_DISK_PLUGIN must name the built plugin library"
#endif

namespace {

constexpr int pool_hosts = 25;       // instances in the emulator
constexpr int disks_per_host = 4;    // data disks per instance: 100 detaches per round
constexpr long rss_limit = 1 << 20;  // bytes of growth allowed after warm-up

struct soak_options {
    int invokes = 10000;
    int warmup = 1000;
    bool rss_check = true;
    std::string action = "detach";  // detach, move (detach then attach) or status
};

soak_options parse_args(int argc, char** argv) {
    soak_options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--invokes" && i + 1 < argc) {
            o.invokes = std::stoi(argv[++i]);
        } else if (arg == "--warmup" && i + 1 < argc) {
            o.warmup = std::stoi(argv[++i]);
        } else if (arg == "--action" && i + 1 < argc) {
            o.action = argv[++i];
            if (o.action != "detach" && o.action != "move" && o.action != "status")
                throw std::invalid_argument("--action must be detach, move or status");
        } else if (arg == "--no-rss-check") {
            o.rss_check = false;
        } else {
            throw std::invalid_argument("unknown argument " + arg);
        }
    }
    if (o.invokes <= o.warmup || o.warmup < 0)
        throw std::invalid_argument("--invokes must be greater than --warmup");
    return o;
}

long resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    if (!statm)
        throw std::runtime_error("cannot read /proc/self/statm");
    return resident * ::sysconf(_SC_PAGESIZE);
}

int open_fds() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr)
        throw std::runtime_error("cannot read /proc/self/fd");
    int count = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    ::closedir(dir);
    return count - 1;  // the directory stream's own descriptor
}

const test_support::fleet pool("soak");

// One plugin instance (destroyed with the object), through the host's loader and instance.
class detacher {
  public:
    detacher(std::shared_ptr<const actionhost::core::plugin_library> library,
             const std::string& config)
        : instance_(std::move(library), config, nullptr) {}

    // Throws unless the result is a JSON object with ok true and the `expected` status.
    void run(const char* action, const std::string& uhost, const std::string& udisk,
             const char* expected) {
        const std::string wait = std::string(action) == "status" ? "" : R"(,"Wait":false)";
        const std::string params =
            R"({"UHostId":")" + uhost + R"(","UDiskId":")" + udisk + "\"" + wait + "}";
        const auto outcome = instance_.invoke(action, params);
        const std::string& json = outcome.result_json;
        Poco::JSON::Object::Ptr object;
        try {
            const auto parsed = Poco::JSON::Parser().parse(json);
            object = parsed.extract<Poco::JSON::Object::Ptr>();
        } catch (const std::exception&) {  // Poco::Exception included: reported below
        }
        if (outcome.status != AH_OK || !object ||
            object->optValue<std::string>("status", "") != expected ||
            !object->optValue<bool>("ok", false)) {
            throw std::runtime_error("unexpected result for " + udisk + " (status " +
                                     std::to_string(outcome.status) + "): " + json);
        }
    }

  private:
    actionhost::core::plugin_instance instance_;
};

struct figures {
    long rss_warm = 0, rss_end = 0;
    int fds_start = 0, fds_warm = 0, fds_live_end = 0, fds_end = 0;
    double seconds = 0;
};

figures run(const soak_options& o) {
    figures f;
    f.fds_start = open_fds();
    const auto library = actionhost::core::plugin_library::open(COMPSHARE_DISK_PLUGIN);
    {
        compshare_emulator::options emulator_options;
        emulator_options.state_json = pool.state_json(pool_hosts, disks_per_host);
        compshare_emulator::server server(emulator_options);
        const std::string initial_state = server.state_json();
        detacher plugin(library,
                        std::string(R"({"public_key":")") + compshare_emulator::default_public_key +
                            R"(","private_key":")" + compshare_emulator::default_private_key +
                            R"(","base_url":")" + server.base_url() +
                            R"(","region":"cn-wlcb","max_retries":0})");

        const auto start = std::chrono::steady_clock::now();
        for (int done = 0; done < o.invokes;) {
            // Every disk is attached again, and the request log does not grow without bound.
            server.set_state(initial_state);
            server.clear_requests();
            int this_round = 0;
            for (int h = 0; h < pool_hosts && done < o.invokes; ++h) {
                for (int d = 0; d < disks_per_host && done < o.invokes; ++d) {
                    const auto host = pool.host_id(h), disk = pool.disk_id(h, d);
                    if (o.action == "status") {
                        plugin.run("status", host, disk, "read");
                    } else {
                        plugin.run("detach", host, disk, "detach_requested");
                    }
                    if (o.action == "move") {
                        plugin.run("attach", host, disk, "attach_requested");
                        ++done;
                    }
                    ++this_round;
                    if (++done >= o.warmup && f.rss_warm == 0) {
                        f.rss_warm = resident_bytes();
                        f.fds_warm = open_fds();
                    }
                }
            }
            const int writes = o.action == "status" ? 0 : this_round;
            const int attaches = o.action == "move" ? this_round : 0;
            if (server.accepted("DetachCompshareDisk") != writes ||
                server.count("DetachCompshareDisk") != writes ||
                server.accepted("AttachCompshareDisk") != attaches ||
                server.count("AttachCompshareDisk") != attaches) {
                throw std::runtime_error(
                    "the emulator did not accept exactly one detach (and attach) per disk "
                    "in a round of " +
                    std::to_string(this_round) + " disks");
            }
        }
        f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        f.rss_end = resident_bytes();
        f.fds_live_end = open_fds();
    }  // plugin instance destroyed, then the emulator stopped
    f.fds_end = open_fds();
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const auto o = parse_args(argc, argv);
        const auto f = run(o);
        const long growth = f.rss_end - f.rss_warm;
        std::printf(
            "soak: %d %s invocations, all results valid (detach: detach_requested, attach: "
            "attach_requested, one accepted request each; status: read, no write)\n",
            o.invokes, o.action.c_str());
        std::printf("soak: %.1f s, %.0f results/s\n", f.seconds, o.invokes / f.seconds);
        std::printf(
            "soak: RSS after %d warm-up invocations %.1f KiB, at the end %.1f KiB, "
            "growth %+.1f KiB (limit %ld KiB)\n",
            o.warmup, f.rss_warm / 1024.0, f.rss_end / 1024.0, growth / 1024.0, rss_limit / 1024);
        std::printf(
            "soak: open fds at start %d, after warm-up %d, at the end (live) %d, after "
            "teardown %d\n",
            f.fds_start, f.fds_warm, f.fds_live_end, f.fds_end);
        bool ok = true;
        // While alive, the count includes the emulator's server side of keep-alive connections,
        // which it may close and reopen at any time: only the count after teardown is exact.
        if (f.fds_end != f.fds_start) {
            std::printf("FAIL: file descriptors leaked\n");
            ok = false;
        }
        if (!o.rss_check) {
            std::printf(
                "soak: RSS check skipped (--no-rss-check: sanitizer allocators grow "
                "resident memory by design)\n");
        } else if (growth >= rss_limit) {
            std::printf("FAIL: resident memory grew by %ld bytes after warm-up\n", growth);
            ok = false;
        }
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::printf("FAIL: %s\n", e.what());
        return 1;
    }
}
