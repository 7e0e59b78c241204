// Warm, in-process cost of one call, against a server on loopback.
//   (a) floor: a fixed keep-alive POST of the same form body over a plain socket;
//   (b) ah_plugin_invoke(detach) with Precheck false and Wait false (one API call);
//   (c) the default path (precheck, detach, two confirming polls, PollIntervalSeconds 0.1);
//   (d) ah_plugin_invoke(status): one read (DescribeCompShareInstance), what engines poll.
// --instructions N runs (b) N times inside counted_one_call_invokes() and times nothing: for
// callgrind's --toggle-collect (bench/instructions.sh counts the instructions of one call).
// Modes alternate in rounds (order rotated each round) so drifting load hits them alike.
// Run pinned to one CPU: `taskset -c 0 bench_warm` (client and server threads share it).
// Servers: the in-process compshare-emulator, the in-process canned server (no cost of its own),
// or an external one (--url, e.g. nginx from bench/warm-nginx.sh; only (a) and (b)).
#include "canned_server.hpp"
#include "client/form_encoding.hpp"
#include "client/signature.hpp"
#include "floor_client.hpp"
#include "plugin_library.hpp"

#include <actionhost/plugin_api.h>
#include <actionhost/plugin.hpp>
#include <compshare_emulator/server.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef BENCH_PLUGIN_PATH
#error "BENCH_PLUGIN_PATH must name the built compshare-disk plugin"
#endif

namespace {

using clock_type = std::chrono::steady_clock;

// An instance called through the exports the host's loader resolved, without the host's
// per-call result check: (b) times the plugin's call alone.
class instance {
  public:
    instance(const ah_plugin_table& p, const std::string& config) : p_(p) {
        host_.struct_size = sizeof host_;
        host_.api_version = AH_PLUGIN_API_VERSION;
        if (p_.create(&host_, config.c_str(), &instance_) != AH_OK) {
            const std::string error = instance_ != nullptr ? p_.last_error(instance_) : "";
            p_.destroy(instance_);  // the error-only instance is the caller's too
            throw std::runtime_error("ah_plugin_create failed: " + error);
        }
    }
    ~instance() { p_.destroy(instance_); }
    instance(const instance&) = delete;
    instance& operator=(const instance&) = delete;

    // The result JSON (checked by the caller once per mode).
    std::string detach(const std::string& params, const char* action = "detach") {
        const char* out = nullptr;
        size_t len = 0;
        p_.invoke(instance_, action, params.data(), params.size(), &out, &len);
        return std::string(out, len);
    }
    // Same, without copying the result (the timed path).
    bool detach_ok(const std::string& params, const char* action = "detach") {
        const char* out = nullptr;
        size_t len = 0;
        return p_.invoke(instance_, action, params.data(), params.size(), &out, &len) == AH_OK;
    }

  private:
    const ah_plugin_table& p_;
    ah_host_api host_{};
    ah_instance* instance_ = nullptr;
};

struct summary {
    double median_us = 0, p99_us = 0, min_us = 0;
    std::size_t n = 0;
};

summary summarise(std::vector<double> v) {
    summary s;
    s.n = v.size();
    if (v.empty()) {
        return s;
    }
    std::sort(v.begin(), v.end());
    s.min_us = v.front();
    s.median_us = v[v.size() / 2];
    s.p99_us = v[std::min(v.size() - 1, static_cast<std::size_t>(v.size() * 0.99))];
    return s;
}

// The form body the plugin sends for (b): same parameters, same signature rules.
std::string detach_form_body() {
    compshare::flat_params p{{"Action", "DetachCompshareDisk"},
                             {"Region", "cn-wlcb"},
                             {"UHostId", "uhost-emu-stopped"},
                             {"UDiskId", "udisk-emu-data1"},
                             {"Device", "/dev/vdb"},
                             {"PublicKey", compshare_emulator::default_public_key}};
    p["Signature"] = compshare::sign(p, compshare_emulator::default_private_key);
    return compshare::form_encode(p);
}

struct target {
    std::string name;
    std::string base_url;
    std::function<void()> prepare;  // before each call, untimed (restore the attached disk)
    bool default_path = true;       // can it play the precheck/poll sequence?
    std::function<std::string()> connections;  // how many TCP connections it accepted
};

struct options {
    std::vector<std::string> servers{"canned", "emulator"};
    int rounds = 7;
    int calls = 300;  // per round for (a) and (b)
    int c_calls = 5;  // per round for (c): each sleeps 2 x 0.1 s
    bool smoke = false;
    int instructions = 0;  // > 0: only (b), that many calls, for an instruction count
};

// The calls bench/instructions.sh counts (callgrind --toggle-collect=*counted_one_call_invokes*):
// not inlined, so that its name stays in the binary.
__attribute__((noinline)) int counted_one_call_invokes(instance& inst, const std::string& params,
                                                       int calls) {
    int failures = 0;
    for (int i = 0; i < calls; ++i)
        failures += inst.detach_ok(params) ? 0 : 1;
    return failures;
}

int run_target(const ah_plugin_table& lib, const target& t, const options& o) {
    const std::string one_call =
        R"({"Region":"cn-wlcb","UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1",)"
        R"("Device":"/dev/vdb","Precheck":false,"Wait":false})";
    const std::string full =
        R"({"Region":"cn-wlcb","UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1",)"
        R"("PollIntervalSeconds":0.1})";
    instance inst(lib, std::string(R"({"public_key":")") + compshare_emulator::default_public_key +
                           R"(","private_key":")" + compshare_emulator::default_private_key +
                           R"(","base_url":")" + t.base_url + R"(","region":"cn-wlcb"})");
    const std::string status_read =
        R"({"UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1"})";
    if (o.instructions > 0) {
        // Warm: the connection is open and every first-use cost is paid before counting.
        for (int i = 0; i < 20; ++i) {
            if (inst.detach(one_call).find(R"("status":"detach_requested")") == std::string::npos) {
                std::fprintf(stderr, "%s: (b) unexpected result\n", t.name.c_str());
                return 1;
            }
        }
        const int failures = counted_one_call_invokes(inst, one_call, o.instructions);
        std::printf("COUNTED %s calls=%d failures=%d\n", t.name.c_str(), o.instructions, failures);
        return failures == 0 ? 0 : 1;
    }
    bench::floor_client floor(t.base_url, detach_form_body());

    // Warm up and check each path once: a wrong answer must not pass as a fast one.
    t.prepare();
    if (floor.post() != 200) {
        std::fprintf(stderr, "%s: floor POST not answered with 200\n", t.name.c_str());
        return 1;
    }
    t.prepare();
    std::string r = inst.detach(one_call);
    if (r.find(R"("status":"detach_requested")") == std::string::npos) {
        std::fprintf(stderr, "%s: (b) unexpected result: %s\n", t.name.c_str(), r.c_str());
        return 1;
    }
    if (t.default_path) {
        t.prepare();
        r = inst.detach(status_read, "status");
        if (r.find(R"("status":"read")") == std::string::npos) {
            std::fprintf(stderr, "%s: (d) unexpected result: %s\n", t.name.c_str(), r.c_str());
            return 1;
        }
        t.prepare();
        r = inst.detach(full);
        if (r.find(R"("status":"detached")") == std::string::npos ||
            r.find(R"("polls":2)") == std::string::npos) {
            std::fprintf(stderr, "%s: (c) unexpected result: %s\n", t.name.c_str(), r.c_str());
            return 1;
        }
    }

    std::vector<double> a, b, c, d, naps, floor_seq;
    int failures = 0;
    auto timed = [&](std::vector<double>& into, const std::function<bool()>& call, int n) {
        for (int i = 0; i < n; ++i) {
            t.prepare();
            const auto start = clock_type::now();
            const bool ok = call();
            const auto end = clock_type::now();
            failures += ok ? 0 : 1;
            into.push_back(std::chrono::duration<double, std::micro>(end - start).count());
        }
    };
    const std::function<void()> modes[] = {
        [&] {
            timed(
                a, [&] { return floor.post() == 200; }, o.calls);
        },
        [&] {
            timed(
                b, [&] { return inst.detach_ok(one_call); }, o.calls);
        },
        [&] {
            if (t.default_path) {
                timed(
                    c, [&] { return inst.detach_ok(full); }, o.c_calls);
                // The deliberate sleep as the OS delivers it: the plugin's two naps between
                // polls are cancel_signal::sleep_for(0.1 s), timed the same way.
                const actionhost::cancel_signal signal;
                const auto nap = std::chrono::milliseconds(100);
                timed(
                    naps, [&] { return signal.sleep_for(nap) && signal.sleep_for(nap); },
                    o.c_calls);
                // The floor of (c): its four exchanges as floor POSTs, with the same two naps
                // (after a 0.1 s nap the next exchange runs on cold caches and a woken CPU).
                timed(
                    floor_seq,
                    [&] {
                        const bool ok = floor.post() == 200 && floor.post() == 200;
                        return signal.sleep_for(nap) && floor.post() == 200 &&
                               signal.sleep_for(nap) && floor.post() == 200 && ok;
                    },
                    o.c_calls);
            }
        },
        [&] {
            if (t.default_path) {
                timed(
                    d, [&] { return inst.detach_ok(status_read, "status"); }, o.calls);
            }
        },
    };
    constexpr int mode_count = sizeof modes / sizeof modes[0];
    for (int round = 0; round < o.rounds; ++round) {
        for (int k = 0; k < mode_count; ++k) {
            modes[(round + k) % mode_count]();
        }
    }
    const summary sa = summarise(a), sb = summarise(b), sc = summarise(c), sn = summarise(naps),
                  sf = summarise(floor_seq), sd = summarise(d);
    std::printf("\n== %s (%s) — %d rounds, per-call microseconds ==\n", t.name.c_str(),
                t.base_url.c_str(), o.rounds);
    std::printf("%-34s %8s %10s %10s %10s %8s\n", "path", "calls", "median", "p99", "min",
                "/floor");
    std::printf("%-34s %8zu %10.1f %10.1f %10.1f %8.2f\n", "(a) floor: plain keep-alive POST", sa.n,
                sa.median_us, sa.p99_us, sa.min_us, 1.0);
    std::printf("%-34s %8zu %10.1f %10.1f %10.1f %8.2f\n", "(b) invoke, one API call", sb.n,
                sb.median_us, sb.p99_us, sb.min_us, sb.median_us / sa.median_us);
    if (t.default_path) {
        std::printf("%-34s %8zu %10.1f %10.1f %10.1f %8.2f\n", "(d) status, one read", sd.n,
                    sd.median_us, sd.p99_us, sd.min_us, sd.median_us / sa.median_us);
        std::printf("%-34s %8zu %10.1f %10.1f %10.1f\n", "(c) default path (4 calls+2x0.1s)", sc.n,
                    sc.median_us, sc.p99_us, sc.min_us);
        std::printf("%-34s %8zu %10.1f %10.1f %10.1f\n", "    the two 0.1 s naps alone", sn.n,
                    sn.median_us, sn.p99_us, sn.min_us);
        std::printf("%-34s %8zu %10.1f %10.1f %10.1f\n", "    4 floor POSTs with those naps", sf.n,
                    sf.median_us, sf.p99_us, sf.min_us);
        std::printf("    (c) / its floor sequence: %.4f (%.1f us more)\n",
                    sc.median_us / sf.median_us, sc.median_us - sf.median_us);
        for (const auto& [what, sleep_us] : {std::pair{"nominal 200000 us", 200000.0},
                                             std::pair{"the naps' median", sn.median_us}}) {
            const double over = sc.median_us - sleep_us;
            std::printf("    (c) minus %s of sleep: %.1f us = %.2f x (4 x floor); target <= 1.5\n",
                        what, over, over / (4 * sa.median_us));
        }
    }
    std::printf("    target (b) <= 1.5 x floor: %s (%.2f)\n",
                sb.median_us <= 1.5 * sa.median_us ? "met" : "MISSED", sb.median_us / sa.median_us);
    std::printf("    connections accepted by the server: %s\n", t.connections().c_str());
    std::printf(
        "RESULT %s a_median=%.1f a_p99=%.1f b_median=%.1f b_p99=%.1f c_median=%.1f "
        "c_p99=%.1f naps_median=%.1f c_floor_median=%.1f d_median=%.1f d_p99=%.1f failures=%d\n",
        t.name.c_str(), sa.median_us, sa.p99_us, sb.median_us, sb.p99_us, sc.median_us, sc.p99_us,
        sn.median_us, sf.median_us, sd.median_us, sd.p99_us, failures);
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    std::vector<std::string> servers;
    std::string plugin_path = BENCH_PLUGIN_PATH;  // --plugin: another build, for before/after
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw std::invalid_argument(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--smoke") {
            o.smoke = true;
        } else if (arg == "--server") {
            servers.push_back(next());  // canned, emulator or http://HOST:PORT
        } else if (arg == "--plugin") {
            plugin_path = next();
        } else if (arg == "--rounds") {
            o.rounds = std::stoi(next());
        } else if (arg == "--calls") {
            o.calls = std::stoi(next());
        } else if (arg == "--c-calls") {
            o.c_calls = std::stoi(next());
        } else if (arg == "--instructions") {
            o.instructions = std::stoi(next());
        } else {
            std::fprintf(stderr,
                         "usage: bench_warm [--server canned|emulator|http://HOST:PORT]... "
                         "[--plugin PATH] [--rounds N] [--calls N] [--c-calls N] [--smoke] "
                         "[--instructions N]\n");
            return 2;
        }
    }
    if (!servers.empty()) {
        o.servers = servers;
    }
    if (o.smoke) {
        o.rounds = 1;
        o.calls = 5;
        o.c_calls = 1;
    }
    // The host's loader: version rule, every export, the manifest beside the library.
    const auto library = actionhost::core::plugin_library::open(plugin_path);
    const ah_plugin_table& lib = library->functions();
    int rc = 0;
    for (const auto& name : o.servers) {
        if (name == "canned") {
            bench::canned_server server;
            rc |= run_target(lib,
                             {name, server.base_url(), [&] { server.reattach(); }, true,
                              [&] {
                                  return std::to_string(server.connections_accepted()) +
                                         " (one for the floor, one for the plugin instance), " +
                                         std::to_string(server.requests()) + " requests";
                              }},
                             o);
        } else if (name == "emulator") {
            compshare_emulator::server server(compshare_emulator::options{});
            const std::string state = server.state_json();
            rc |= run_target(lib,
                             {name, server.base_url(), [&] { server.set_state(state); }, true,
                              [&] {
                                  return std::to_string(server.count("DetachCompshareDisk")) +
                                         " detach requests (connections not counted)";
                              }},
                             o);
        } else {
            rc |= run_target(lib, {name, name, [] {}, false, [] { return std::string("n/a"); }}, o);
        }
    }
    return rc;
}
