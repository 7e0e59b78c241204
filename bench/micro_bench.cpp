// Microbenchmarks of our own per-call work (Google Benchmark).
// Run: bench_micro [--benchmark_repetitions=5 --benchmark_report_aggregates_only=true]
#include "actions/attach_params.hpp"
#include "actions/detach_params.hpp"
#include "actions/detach_result.hpp"
#include "actions/instance_view.hpp"
#include "client/form_encoding.hpp"
#include "client/response.hpp"
#include "client/signature.hpp"

#include <manifest.hpp>

#include <benchmark/benchmark.h>

#include <string>

#ifndef BENCH_MANIFEST_PATH
#error "BENCH_MANIFEST_PATH must name manifests/compshare-disk.json"
#endif

namespace {

constexpr const char* public_key = "ucloudsomeone@example.com1296235120854146120";
constexpr const char* private_key = "46f09bb9fab4f12dfc160dae12273d5332b5debe";

// Sign and encode a DetachCompshareDisk request, as api_client::call does per attempt.
void sign_and_encode_detach(benchmark::State& state) {
    for (auto _ : state) {
        compshare::flat_params p{{"Action", "DetachCompshareDisk"},
                                 {"Region", "cn-wlcb"},
                                 {"Zone", "cn-wlcb-01"},
                                 {"UHostId", "uhost-emu-stopped"},
                                 {"UDiskId", "udisk-emu-data1"},
                                 {"Device", "/dev/vdb"},
                                 {"PublicKey", public_key}};
        p["Signature"] = compshare::sign(p, private_key);
        std::string body = compshare::form_encode(p);
        benchmark::DoNotOptimize(body);
    }
}
BENCHMARK(sign_and_encode_detach);

// A DescribeCompShareInstance reply of one instance with 16 disks (plus the secret-bearing
// fields the real API returns), as the service sends it.
std::string describe_body_16_disks() {
    std::string disks;
    for (int i = 0; i < 16; ++i) {
        if (i != 0) {
            disks += ",";
        }
        disks += R"({"DiskId":")" + std::string(i == 0 ? "bsd-system" : "udisk-") +
                 std::to_string(i) + R"(","DiskType":"CLOUD_SSD","IsBoot":")" +
                 (i == 0 ? "True" : "False") + R"(","Drive":"/dev/vd)" +
                 std::string(1, static_cast<char>('a' + i)) +
                 R"(","Size":200,"Name":"data","Encrypted":"false","Type":"Udisk"})";
    }
    return R"({"Action":"DescribeCompShareInstanceResponse","RetCode":0,"TotalCount":1,"UHostSet":[)"
           R"({"UHostId":"uhost-bench","Region":"cn-wlcb","Zone":"cn-wlcb-01","Name":"gpu",)"
           R"("State":"Stopped","CPU":16,"Memory":65536,"GPU":1,"GpuType":"4090",)"
           R"("ChargeType":"Dynamic","OsName":"Ubuntu 22.04","OsType":"Linux","MachineType":"G",)"
           R"("Password":"RW11bGF0b3JQYXNzdzByZCE=","SshLoginCommand":"ssh -p 22 root@192.0.2.10",)"
           R"("IPSet":[{"IP":"192.0.2.10","Type":"BGP","IPMode":"IPv4","Default":"true"}],)"
           R"("CreateTime":1767225600,"StartTime":1767225660,"StopTime":1767312000,"DiskSet":[)" +
           disks + "]}]}";
}

void parse_describe_16_disks(benchmark::State& state) {
    const std::string body = describe_body_16_disks();
    for (auto _ : state) {
        const auto parsed = compshare::parse_response(body);  // as the client checks it
        auto view = compshare::detach::parse_describe(body, "uhost-bench");
        if (!view || view->disks.size() != 16) {
            state.SkipWithError("describe not parsed");
            break;
        }
        benchmark::DoNotOptimize(view);
    }
}
BENCHMARK(parse_describe_16_disks);

void parse_detach_params(benchmark::State& state) {
    const std::string json =
        R"({"Region":"cn-wlcb","UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1",)"
        R"("Device":"/dev/vdb","Precheck":false,"Wait":false})";
    for (auto _ : state) {
        auto p = compshare::detach::parse_detach_params(json, "cn-wlcb");
        benchmark::DoNotOptimize(p);
    }
}
BENCHMARK(parse_detach_params);

void parse_attach_params(benchmark::State& state) {
    const std::string json =
        R"({"Region":"cn-wlcb","Zone":"cn-wlcb-01","UHostId":"uhost-emu-stopped",)"
        R"("UDiskId":"udisk-free","Precheck":false,"Wait":false})";
    for (auto _ : state) {
        auto p = compshare::detach::parse_attach_params(json, "cn-wlcb");
        benchmark::DoNotOptimize(p);
    }
}
BENCHMARK(parse_attach_params);

// The result of a completed default-path detach.
void build_result_json(benchmark::State& state) {
    namespace d = compshare::detach;
    d::detach_report r;
    r.ok = true;
    r.changed = true;
    r.status = d::status::detached;
    r.detach_sent = true;
    r.resource = {"cn-wlcb", "cn-wlcb-01", "uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb"};
    r.observed.instance_state = "Stopped";
    r.observed.attached_before = true;
    r.observed.attached_after = false;
    r.response = d::api_response{"DetachCompshareDiskResponse", 0, ""};
    for (int i = 0; i < 4; ++i) {
        r.request_ids.push_back("5a1b2c3d-0000-4000-8000-00000000000" + std::to_string(i));
    }
    r.timing = {204, 4, 2, 0};
    r.client_token = "run-42";
    r.message = "udisk-emu-data1 detached from uhost-emu-stopped";
    for (auto _ : state) {
        auto out = d::to_outcome(r);
        benchmark::DoNotOptimize(out);
    }
}
BENCHMARK(build_result_json);

void load_and_validate_manifest(benchmark::State& state) {
    for (auto _ : state) {
        auto m = actionhost::core::load_manifest(BENCH_MANIFEST_PATH);
        if (m.find_action("detach") == nullptr) {
            state.SkipWithError("no detach action");
            break;
        }
        benchmark::DoNotOptimize(m);
    }
}
BENCHMARK(load_and_validate_manifest);

}  // namespace

BENCHMARK_MAIN();
