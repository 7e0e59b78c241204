// Scenario tests: the BUILT plugin, loaded through its C ABI, against the in-process emulator.
// One test per scenario of the detach action.
#include "scenario_support.hpp"
#include "temp_dir.hpp"

#include <actionhost/plugin.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

using namespace compshare_disk_test;
using compshare_emulator::server;

namespace {

const char* detach = "DetachCompshareDisk";
const char* describe = "DescribeCompShareInstance";

void check_common_shape(const invocation& r) {
    REQUIRE(r.result);
    for (const char* key :
         {"ok", "changed", "status", "dry_run", "detach_sent", "resource", "observed", "response",
          "request_ids", "timing", "client_token", "warnings", "message"}) {
        INFO(key << " in " << r.json);
        CHECK(r.result->has(key));
    }
    const bool ok = r.result->getValue<bool>("ok");
    CHECK(ok == (r.status == AH_OK));  // the status is the one success signal
    CHECK(r.result->has("error") == !ok);
    CHECK(r.result->has("hint") == !ok);
    CHECK(r.last_error.empty() == ok);
}

// Whether the emulator still lists `disk` in the DiskSet of the stopped instance.
bool attached(const server& s, const std::string& disk) {
    const auto state = parse_json_object(s.state_json());
    const auto hosts = state->getArray("Instances");
    for (std::size_t i = 0; i < hosts->size(); ++i) {
        const auto host = hosts->getObject(static_cast<unsigned>(i));
        if (host->getValue<std::string>("UHostId") != stopped_host)
            continue;
        const auto disks = host->getArray("DiskSet");
        for (std::size_t k = 0; k < disks->size(); ++k) {
            if (disks->getObject(static_cast<unsigned>(k))->getValue<std::string>("DiskId") ==
                disk) {
                return true;
            }
        }
    }
    return false;
}

int integer(const Poco::JSON::Object::Ptr& object, const char* key) {
    return object->getValue<int>(key);
}

}  // namespace

TEST_CASE("compshare_disk scenario: happy path with Device and Zone", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    REQUIRE(plugin.create_status() == AH_OK);
    const auto r = plugin.invoke(detach_params(
        stopped_host, data1,
        R"("Region":"cn-wlcb","Zone":"cn-wlcb-01","Device":"/dev/vdb","ClientToken":"run-1")"));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "detached");
    CHECK(r.result->getValue<bool>("changed"));
    CHECK(r.result->getValue<bool>("detach_sent"));
    CHECK_FALSE(r.result->getValue<bool>("dry_run"));
    CHECK(r.result->getValue<std::string>("client_token") == "run-1");
    const auto resource = r.result->getObject("resource");
    CHECK(resource->getValue<std::string>("region") == "cn-wlcb");
    CHECK(resource->getValue<std::string>("zone") == "cn-wlcb-01");
    CHECK(resource->getValue<std::string>("uhost_id") == stopped_host);
    CHECK(resource->getValue<std::string>("udisk_id") == data1);
    CHECK(resource->getValue<std::string>("device") == "/dev/vdb");
    const auto observed = r.result->getObject("observed");
    CHECK(observed->getValue<std::string>("instance_state") == "Stopped");
    CHECK(observed->getValue<bool>("attached_before"));
    CHECK_FALSE(observed->getValue<bool>("attached_after"));
    const auto response = r.result->getObject("response");
    REQUIRE(response);
    CHECK(response->getValue<std::string>("Action") == "DetachCompshareDiskResponse");
    CHECK(integer(response, "RetCode") == 0);
    const auto timing = r.result->getObject("timing");
    CHECK(integer(timing, "polls") == 2);      // two consecutive reads without the disk
    CHECK(integer(timing, "api_calls") == 4);  // precheck, detach, two polls
    CHECK(integer(timing, "retries") == 0);
    CHECK(r.result->getArray("request_ids")->size() == 4);
    CHECK_THAT(r.result->getArray("warnings")->getElement<std::string>(0),
               Catch::Contains("/dev/vdb"));
    CHECK(emu.accepted(detach) == 1);
    CHECK_FALSE(attached(emu, data1));
    CHECK(attached(emu, data2));

    // Progress events: precheck, detach_sent, each poll with the observed state, done.
    std::vector<std::string> names;
    for (const auto& json : plugin.events()) {
        names.push_back(parse_json_object(json)->getValue<std::string>("event"));
    }
    CHECK(names == std::vector<std::string>{"precheck", "detach_sent", "poll", "poll", "done"});
    const auto polls = plugin.events_named("poll");
    CHECK(polls[0]->getValue<std::string>("instance_state") == "Stopped");
    CHECK_FALSE(polls[0]->getValue<bool>("attached"));
    for (const auto& json : plugin.events()) {
        const auto event = parse_json_object(json);
        CHECK_FALSE(event->getValue<std::string>("message").empty());
    }
}

TEST_CASE("compshare_disk scenario: happy path without Device and Zone", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data2));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "detached");
    const auto resource = r.result->getObject("resource");
    CHECK(resource->getValue<std::string>("zone") == "cn-wlcb-01");  // from the instance
    CHECK(resource->getValue<std::string>("device") == "/dev/vdc");  // from the disk's Drive
    CHECK(r.result->isNull("client_token"));
    CHECK(emu.accepted(detach) == 1);
    CHECK_FALSE(attached(emu, data2));
}

TEST_CASE("compshare_disk scenario: already detached is a success without a write", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    REQUIRE(plugin.invoke(detach_params(stopped_host, data1)).status == AH_OK);
    // Re-running the same detach: idempotent.
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "already_detached");
    CHECK_FALSE(r.result->getValue<bool>("changed"));
    CHECK_FALSE(r.result->getValue<bool>("detach_sent"));
    CHECK_FALSE(r.result->getObject("observed")->getValue<bool>("attached_before"));
    CHECK(r.result->isNull("response"));
    // The precheck, then the disk inventory as a second opinion: the disk is free.
    CHECK(integer(r.result->getObject("timing"), "api_calls") == 2);
    CHECK(emu.count("DescribeCompshareDisk") == 1);
    CHECK(emu.count(detach) == 1);  // only the first run's
    CHECK(r.result->getValue<std::string>("message") ==
          "udisk-emu-data1 is not attached to uhost-emu-stopped (instance Stopped) and "
          "DescribeCompshareDisk lists it as free; nothing to do");
    CHECK(r.result->getArray("warnings")->size() == 0);
}

TEST_CASE("compshare_disk scenario: running instance", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(running_host, data3));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_ERROR);
    CHECK(r.error_type() == "InstanceNotStopped");
    CHECK(r.status_text() == "failed");
    const auto error = r.result->getObject("error");
    CHECK_FALSE(error->getValue<bool>("retryable"));
    CHECK_THAT(error->getValue<std::string>("message"), Catch::Contains(running_host) &&
                                                            Catch::Contains("Running") &&
                                                            Catch::Contains(data3));
    CHECK(r.result->getObject("observed")->getValue<std::string>("instance_state") == "Running");
    CHECK_THAT(r.result->getValue<std::string>("hint"), Catch::Contains("Stop the instance"));
    CHECK_THAT(r.last_error, Catch::StartsWith("InstanceNotStopped: "));
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk scenario: stopping instance is retryable", "[scenario]") {
    server emu(emulator_options(
        state_with(instance_json("uhost-stopping", "Stopping", {{"udisk-s", "/dev/vdb"}}))));
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params("uhost-stopping", "udisk-s"));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.error_type() == "InstanceNotStopped");
    CHECK(r.result->getObject("error")->getValue<bool>("retryable"));
    CHECK_THAT(r.result->getValue<std::string>("message"), Catch::Contains("Stopping"));
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk scenario: missing instance", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params("uhost-nope", data1));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_ERROR);
    CHECK(r.error_type() == "InstanceNotFound");
    CHECK_THAT(r.result->getValue<std::string>("message"),
               Catch::Contains("uhost-nope") && Catch::Contains("cn-wlcb"));
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk scenario: system disk", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, system_disk));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.error_type() == "SystemDiskNotDetachable");
    CHECK_FALSE(r.result->getObject("error")->getValue<bool>("retryable"));
    CHECK_THAT(r.result->getValue<std::string>("message"), Catch::Contains(system_disk));
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk scenario: device mismatch names both devices", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data1, R"("Device":"/dev/vdc")"));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_INVALID_ARGUMENT);
    CHECK(r.error_type() == "InvalidParameter");
    CHECK_THAT(r.result->getValue<std::string>("message"),
               Catch::Contains("/dev/vdc") && Catch::Contains("/dev/vdb"));
    CHECK(emu.count(detach) == 0);
    CHECK(attached(emu, data1));
}

TEST_CASE("compshare_disk scenario: dry run writes nothing", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    auto r = plugin.invoke(detach_params(stopped_host, data1, R"("DryRun":true)"));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "would_detach");
    CHECK(r.result->getValue<bool>("dry_run"));
    CHECK_FALSE(r.result->getValue<bool>("changed"));
    CHECK_FALSE(r.result->getValue<bool>("detach_sent"));
    CHECK(r.result->getObject("resource")->getValue<std::string>("device") == "/dev/vdb");
    CHECK(emu.count(detach) == 0);
    CHECK(attached(emu, data1));
    // A dry run still refuses what the real run would refuse.
    r = plugin.invoke(detach_params(running_host, data3, R"("DryRun":true)"));
    CHECK(r.error_type() == "InstanceNotStopped");
    // And reports a disk that is attached nowhere as unknown, not as already detached.
    r = plugin.invoke(detach_params(stopped_host, "udisk-elsewhere", R"("DryRun":true)"));
    CHECK(r.error_type() == "DiskNotFound");
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk scenario: Wait false returns once the request is accepted",
          "[scenario]") {
    server emu(emulator_options("", 60000));  // the detach would take a minute
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data1, R"("Wait":false)"));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "detach_requested");
    CHECK(r.result->getValue<bool>("changed"));
    CHECK(r.result->getObject("observed")->isNull("attached_after"));
    CHECK(integer(r.result->getObject("timing"), "polls") == 0);
    CHECK(integer(r.result->getObject("timing"), "elapsed_ms") < 5000);
    CHECK(emu.accepted(detach) == 1);
}

TEST_CASE("compshare_disk scenario: wait timeout", "[scenario]") {
    server emu(emulator_options("", 60000));
    plugin_instance plugin(plugin_config(emu));
    auto r = plugin.invoke(detach_params(stopped_host, data1, R"("WaitTimeoutSeconds":0.35)"));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_TIMEOUT);
    CHECK(r.error_type() == "WaitTimeout");
    CHECK(r.status_text() == "detach_requested");
    CHECK(r.result->getValue<bool>("changed"));
    CHECK(r.result->getObject("error")->getValue<bool>("retryable"));
    CHECK(r.result->getObject("observed")->getValue<bool>("attached_after"));
    const auto timing = r.result->getObject("timing");
    CHECK(integer(timing, "polls") >= 1);  // at least the one at the deadline
    CHECK(integer(timing, "elapsed_ms") < 5000);
    // Re-running is safe: the detach in progress is recognised (RetCode 17061), never doubled.
    r = plugin.invoke(
        detach_params(stopped_host, data1, R"("WaitTimeoutSeconds":0.2,"Wait":false)"));
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "detach_requested");
    CHECK(integer(r.result->getObject("response"), "RetCode") == 17061);
    CHECK(emu.accepted(detach) == 1);
}

TEST_CASE("compshare_disk scenario: cancel during the wait", "[scenario]") {
    server emu(emulator_options("", 60000));
    // Cancel from the log callback as soon as the first poll is reported: no sleeps.
    plugin_instance plugin(plugin_config(emu), [](plugin_instance& self, const std::string& json) {
        if (json.find("\"event\":\"poll\"") != std::string::npos)
            self.cancel();
    });
    const auto r = plugin.invoke(detach_params(stopped_host, data1, R"("WaitTimeoutSeconds":600)"));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_CANCELLED);
    CHECK(r.error_type() == "Cancelled");
    CHECK(r.result->getValue<bool>("detach_sent"));
    CHECK(r.result->getValue<bool>("changed"));
    CHECK(r.status_text() == "detach_requested");
    CHECK_THAT(r.result->getValue<std::string>("message"), Catch::Contains("already been sent"));
    CHECK(emu.accepted(detach) == 1);
    CHECK(integer(r.result->getObject("timing"), "elapsed_ms") < 5000);  // no 600 s wait
}

TEST_CASE("compshare_disk scenario: cancel before the detach is sent", "[scenario]") {
    server emu(emulator_options());
    bool cancelled = false;  // only the first invocation
    plugin_instance plugin(plugin_config(emu), [&](plugin_instance& self, const std::string& json) {
        if (!cancelled && json.find("\"event\":\"precheck\"") != std::string::npos) {
            cancelled = true;
            self.cancel();
        }
    });
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_CANCELLED);
    CHECK_FALSE(r.result->getValue<bool>("detach_sent"));
    CHECK_FALSE(r.result->getValue<bool>("changed"));
    CHECK(r.status_text() == "cancelled");
    CHECK(emu.count(detach) == 0);
    // The cancel was consumed: the next invocation runs normally.
    CHECK(plugin.invoke(detach_params(stopped_host, data1)).status == AH_OK);
}

TEST_CASE("compshare_disk scenario: bad signature", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu, "", "0000000000000000000000000000000000000000"));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_ERROR);
    CHECK(r.error_type() == "AuthFailed");
    const auto error = r.result->getObject("error");
    CHECK(integer(error, "ret_code") == 171);
    CHECK_FALSE(error->getValue<bool>("retryable"));
    CHECK_FALSE(error->getValue<std::string>("request_id").empty());
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk scenario: unknown public key", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu, "", "x", "nobody@example.com"));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    CHECK(r.error_type() == "AuthFailed");
    CHECK(integer(r.result->getObject("error"), "ret_code") == 172);
}

namespace {

// Sets environment variables for one test and restores them after (tests run on one thread).
class scoped_env {
  public:
    void set(const char* name, const std::optional<std::string>& value) {
        const char* old = std::getenv(name);
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
        apply(name, value);
    }
    ~scoped_env() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it)
            apply(it->first, it->second);
    }

  private:
    static void apply(const char* name, const std::optional<std::string>& value) {
        if (value) {
            ::setenv(name, value->c_str(), 1);
        } else {
            ::unsetenv(name);
        }
    }
    std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

void isolate_credentials(scoped_env& env, const test_support::temp_dir& home) {
    for (const char* name :
         {"COMPSHARE_PUBLIC_KEY", "COMPSHARE_PRIVATE_KEY", "COMPSHARE_PROFILE",
          "COMPSHARE_CONFIG_FILE", "COMPSHARE_BASE_URL", "COMPSHARE_REGION", "COMPSHARE_CA_FILE"}) {
        env.set(name, std::nullopt);
    }
    env.set("HOME", home.path().string());
    env.set("XDG_CONFIG_HOME", (home / "xdg").string());
}

std::string keyless_config(const server& emu) {
    return "{\"base_url\":\"" + emu.base_url() + "\",\"region\":\"cn-wlcb\"}";
}

}  // namespace

TEST_CASE("compshare_disk scenario: missing credentials fail every invoke, not create",
          "[scenario]") {
    server emu(emulator_options());
    test_support::temp_dir home;
    scoped_env env;
    isolate_credentials(env, home);
    plugin_instance plugin(keyless_config(emu));
    REQUIRE(plugin.create_status() == AH_OK);
    auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_ERROR);
    CHECK(r.error_type() == "CredentialsMissing");
    CHECK_THAT(r.result->getValue<std::string>("message"),
               Catch::Contains("COMPSHARE_PUBLIC_KEY") && Catch::Contains("config.json"));
    CHECK(r.result->getObject("resource")->getValue<std::string>("uhost_id") == stopped_host);
    r = plugin.invoke(detach_params(stopped_host, data1));  // every invoke
    CHECK(r.error_type() == "CredentialsMissing");
    // Invalid parameters are still reported as such.
    CHECK(plugin.invoke(R"({"UHostId":"u"})").error_type() == "InvalidParameter");
    CHECK(emu.count(describe) == 0);
}

TEST_CASE("compshare_disk scenario: credentials from the environment", "[scenario]") {
    server emu(emulator_options());
    test_support::temp_dir home;
    scoped_env env;
    isolate_credentials(env, home);
    env.set("COMPSHARE_PUBLIC_KEY", std::string(compshare_emulator::default_public_key));
    env.set("COMPSHARE_PRIVATE_KEY", std::string(compshare_emulator::default_private_key));
    plugin_instance plugin(keyless_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "detached");
}

TEST_CASE("compshare_disk scenario: credentials from a compshare-cli profile file", "[scenario]") {
    server emu(emulator_options());
    test_support::temp_dir home;
    scoped_env env;
    isolate_credentials(env, home);
    std::filesystem::create_directories(home / "xdg" / "compshare");
    std::ofstream(home / "xdg" / "compshare" / "config.json")
        << R"({"current_profile":"work","profiles":{"work":{"public_key":")"
        << compshare_emulator::default_public_key << R"(","private_key":")"
        << compshare_emulator::default_private_key << R"("}}})";
    plugin_instance plugin(keyless_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "detached");
}

TEST_CASE("compshare_disk scenario: invalid config fails create", "[scenario]") {
    for (const char* config :
         {R"({"public_key":"a","private_key":"b","colour":"red"})",
          R"({"public_key":"a","private_key":"b","base_url":"http://192.0.2.1:80"})",
          R"({"max_retries":"3"})", R"([1,2])", R"({)"}) {
        INFO(config);
        plugin_instance plugin(config);
        CHECK(plugin.create_status() == AH_INVALID_ARGUMENT);
        CHECK_THAT(plugin.create_error(), Catch::Contains("invalid config"));
        // Invoke on the failed instance reports the creation error.
        const auto r = plugin.invoke(R"({"UHostId":"u","UDiskId":"d"})");
        CHECK(r.status == AH_ERROR);
        CHECK_FALSE(r.result->getValue<bool>("ok"));
    }
}

TEST_CASE("compshare_disk scenario: invalid parameters are refused before any request",
          "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    for (const std::string& params :
         {std::string("not json"), std::string(R"({"UHostId":"u"})"),
          detach_params(stopped_host, data1, R"("Wait":"yes")"),
          detach_params(stopped_host, data1, R"("PrivateKey":"SECRET-VALUE-77")"),
          detach_params(stopped_host, data1, R"("Device":"vdb")"), std::string(70000, ' ')}) {
        INFO(params.substr(0, 200));
        const auto r = plugin.invoke(params);
        check_common_shape(r);
        CHECK(r.status == AH_INVALID_ARGUMENT);
        CHECK(r.error_type() == "InvalidParameter");
        CHECK(r.json.find("SECRET-VALUE-77") == std::string::npos);
        CHECK(r.last_error.find("SECRET-VALUE-77") == std::string::npos);
    }
    CHECK(emu.count(describe) == 0);
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk scenario: unknown action", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data1), "attach");
    CHECK(r.status == AH_UNKNOWN_ACTION);
    CHECK(r.error_type() == "UnknownAction");
    CHECK(emu.count(describe) == 0);
}

TEST_CASE("compshare_disk scenario: without the precheck", "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    auto r = plugin.invoke(
        detach_params(stopped_host, data1, R"("Precheck":false,"Device":"/dev/vdb")"));
    INFO(r.json);
    check_common_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "detached");
    CHECK(r.result->getObject("observed")->isNull("attached_before"));
    CHECK(emu.accepted(detach) == 1);
    // The service's own refusal is reported as an API error with its RetCode and message.
    r = plugin.invoke(
        detach_params(running_host, data3, R"("Precheck":false,"Device":"/dev/vdb")"));
    INFO(r.json);
    CHECK(r.error_type() == "ApiError");
    CHECK(r.result->getObject("error")->getValue<int>("ret_code") != 0);
    CHECK_FALSE(r.result->getObject("error")->getValue<std::string>("api_message").empty());
    CHECK_FALSE(r.result->getValue<bool>("detach_sent"));
}

TEST_CASE("compshare_disk scenario: Region from the parameters overrides the config",
          "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data1, R"("Region":"cn-sh2")"));
    INFO(r.json);
    CHECK(r.error_type() == "InstanceNotFound");  // the instance lives in cn-wlcb
    CHECK_THAT(r.result->getValue<std::string>("message"), Catch::Contains("cn-sh2"));
}

TEST_CASE("compshare_disk scenario: canaries never leave the plugin", "[scenario][secrets]") {
    const std::string password = "CANARY-PASSWORD-9b1f";
    const std::string ssh = "ssh -p 22 root@CANARY-SSH-4c2e";
    const std::string private_key = "CANARY-PRIVATE-KEY-77aa";
    const std::string public_key = "canary-public@example.com";
    const std::string secret_param = "CANARY-PARAM-SECRET-31d0";
    const auto canary_host = [&](const std::string& id, const std::string& state,
                                 const std::string& disk) {
        return instance_json(id, state, {{disk, "/dev/vdb"}},
                             "\"Password\":" + actionhost::json_quote(password) +
                                 ",\"SshLoginCommand\":" + actionhost::json_quote(ssh));
    };
    server emu(emulator_options(
        state_with(canary_host("uhost-c1", "Stopped", "udisk-c1") + "," +
                       canary_host("uhost-c2", "Running", "udisk-c2") + "," +
                       canary_host("uhost-c3", "Stopped", "udisk-c3"),
                   "{\"PublicKey\":" + actionhost::json_quote(public_key) +
                       ",\"PrivateKey\":" + actionhost::json_quote(private_key) + "}"),
        0));
    const std::vector<std::string> canaries = {password, ssh, "CANARY-SSH", private_key,
                                               secret_param};
    plugin_instance plugin(plugin_config(emu, "", private_key, public_key));
    REQUIRE(plugin.create_status() == AH_OK);
    CHECK(plugin.invoke(detach_params("uhost-c1", "udisk-c1", R"("DryRun":true)")).status == AH_OK);
    CHECK(plugin.invoke(detach_params("uhost-c1", "udisk-c1")).status == AH_OK);
    CHECK(plugin.invoke(detach_params("uhost-c1", "udisk-c1")).status_text() == "already_detached");
    CHECK(plugin.invoke(detach_params("uhost-c2", "udisk-c2")).error_type() ==
          "InstanceNotStopped");
    CHECK(plugin.invoke(detach_params("uhost-c1", "bsd-uhost-c1")).error_type() ==
          "SystemDiskNotDetachable");
    CHECK(plugin
              .invoke(
                  detach_params("uhost-c3", "udisk-c3", "\"private_key\":\"" + secret_param + "\""))
              .error_type() == "InvalidParameter");
    emu.add_fault(R"({"action":"DetachCompshareDisk","mode":"http_status","status":503})");
    emu.add_fault(R"({"action":"DescribeCompShareInstance","mode":"malformed_json"})");
    CHECK(plugin.invoke(detach_params("uhost-c3", "udisk-c3")).error_type() == "Transient");
    CHECK(plugin.invoke(detach_params("uhost-c3", "udisk-c3")).status == AH_OK);
    check_no_canaries(plugin.transcript(), canaries);

    // A wrong private key (itself a canary) must not leak through the AuthFailed path either.
    plugin_instance wrong(plugin_config(emu, "", "CANARY-WRONG-KEY-0e0e", public_key));
    const auto r = wrong.invoke(detach_params("uhost-c1", "udisk-c1"));
    CHECK(r.error_type() == "AuthFailed");
    check_no_canaries(wrong.transcript(), {"CANARY-WRONG-KEY-0e0e", password, ssh});
    // A failed create must not echo a key either.
    plugin_instance bad("{\"private_key\":\"" + private_key + "\",\"bogus\":1}");
    CHECK(bad.create_status() == AH_INVALID_ARGUMENT);
    check_no_canaries(bad.transcript(), {private_key});
}

TEST_CASE("compshare_disk scenario: the requests carry exactly the documented parameters",
          "[scenario]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu, R"("project_id":"org-config")"));
    const auto r = plugin.invoke(
        detach_params(stopped_host, data1, R"("ProjectId":"org-param","Wait":false)"));
    INFO(r.json);
    REQUIRE(r.status == AH_OK);
    const auto log = parse_json_object(emu.requests_json())->getArray("requests");
    REQUIRE(log->size() == 2);
    const auto read = log->getObject(0);
    CHECK(read->getValue<std::string>("action") == describe);
    const auto read_params = read->getObject("params");
    CHECK(read_params->getValue<std::string>("Region") == "cn-wlcb");
    CHECK(read_params->getValue<std::string>("UHostIds.0") == stopped_host);
    CHECK(read_params->getValue<std::string>("ProjectId") == "org-param");  // params win
    const auto write = log->getObject(1);
    CHECK(write->getValue<std::string>("action") == detach);
    const auto p = write->getObject("params");
    std::vector<std::string> keys;
    for (const auto& entry : *p)
        keys.push_back(entry.first);
    CHECK(keys == std::vector<std::string>{"Action", "Device", "ProjectId", "PublicKey", "Region",
                                           "Signature", "UDiskId", "UHostId", "Zone"});
    CHECK(p->getValue<std::string>("Region") == "cn-wlcb");
    CHECK(p->getValue<std::string>("Zone") == "cn-wlcb-01");  // learnt from the instance
    CHECK(p->getValue<std::string>("UHostId") == stopped_host);
    CHECK(p->getValue<std::string>("UDiskId") == data1);
    CHECK(p->getValue<std::string>("Device") == "/dev/vdb");  // learnt from the disk's Drive
    CHECK(p->getValue<std::string>("ProjectId") == "org-param");
}

TEST_CASE("compshare_disk scenario: instances on several threads at once", "[scenario]") {
    // Re-entrancy: no global state, each instance with its own client and cancellation.
    server emu(emulator_options(state_with(instance_json("uhost-many", "Stopped",
                                                         {{"udisk-t0", "/dev/vdb"},
                                                          {"udisk-t1", "/dev/vdc"},
                                                          {"udisk-t2", "/dev/vdd"},
                                                          {"udisk-t3", "/dev/vde"}}))));
    std::vector<invocation> results(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&, i] {
            plugin_instance plugin(plugin_config(emu));
            results[i] = plugin.invoke(detach_params("uhost-many", "udisk-t" + std::to_string(i)));
        });
    }
    for (auto& t : threads)
        t.join();
    for (const auto& r : results) {
        INFO(r.json);
        CHECK(r.status == AH_OK);
        CHECK(r.status_text() == "detached");
    }
    CHECK(emu.accepted(detach) == 4);
}
