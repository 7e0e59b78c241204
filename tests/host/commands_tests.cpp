// The commands through run_cli, in process, with string streams.
#include "cli.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <vector>

using namespace actionhost::core;
using test_support::temp_dir;
using test_support::write_file;

namespace {

struct cli_run {
    int code = -1;
    std::string out;
    std::string err;
};

cli_run cli(std::vector<std::string> args, const std::string& stdin_text = "") {
    const std::string path =
        test_support::echo_dir.string() + ":" + test_support::broken_dir.string();
    args.insert(args.begin(), {"actionhost", "--plugin-path", path});
    std::vector<const char*> argv;
    for (const auto& a : args)
        argv.push_back(a.c_str());
    std::ostringstream out, err;
    std::istringstream in(stdin_text);
    cli_run r;
    r.code = run_cli(static_cast<int>(argv.size()), argv.data(), {out, err, in}, nullptr);
    r.out = out.str();
    r.err = err.str();
    return r;
}

Poco::JSON::Object::Ptr json(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST_CASE("host cli: run prints one result line", "[host][cli]") {
    const auto r = cli({"run", "test-echo.echo", "--params", R"({"n": 1})"});
    CHECK(r.code == 0);
    CHECK(r.out == "{\"greeting\":\"\",\"ok\":true,\"params\":{\"n\":1}}\n");
    const auto pretty = cli({"run", "test-echo.echo", "--pretty"});
    // Indented, in the plugin's key order.
    CHECK(pretty.out.rfind("{\n  \"greeting\": \"\",\n  \"ok\": true,\n  \"params\": {", 0) == 0);
    const auto ordered = cli({"run", "test-echo.fail", "--pretty"});
    CHECK(ordered.out.rfind("{\n  \"ok\": false,\n  \"error\": {\n    \"type\"", 0) == 0);
}

TEST_CASE("host cli: host failures give a message and a JSON result", "[host][cli]") {
    struct row {
        std::vector<std::string> args;
        int code;
        const char* type;
        const char* cause;
    };
    const row rows[] = {
        {{"run", "ghost.echo"}, 8, "PluginNotFound", "no plugin named \"ghost\""},
        {{"run", "test-echo.nope"}, 2, "UnknownAction", "has no action \"nope\""},
        {{"run", "test-echo"}, 2, "Usage", "is not PLUGIN.ACTION"},
        {{"run", "test-echo.echo", "--params", "{"}, 2, "InvalidParameter", "invalid JSON"},
        {{"run", "test-echo.echo", "--config", "/nonexistent/c.json"},
         2,
         "InvalidConfig",
         "config file /nonexistent/c.json: cannot be read"},
        {{"run", "test-echo.echo", "--config", "/dev/null"},
         2,
         "InvalidConfig",
         "config file /dev/null: is a device, not a regular file"},
        {{"run", "test-newer-minor.noop"}, 8, "PluginIncompatible", "the host is too old"},
        {{"run", "test-no-cancel.noop"}, 8, "PluginLoadFailed", "does not export ah_plugin_cancel"},
        {{"run", "test-mismatch.noop"}, 8, "PluginIncompatible", "differs in field(s)"},
        {{"run", "test-no-library.noop"}, 8, "PluginLoadFailed", "does not exist"},
        {{"run", "test-echo.echo", "--timeout", "0"}, 2, "Usage", "--timeout must be a positive"},
        {{"run", "test-echo.echo", "--parallel", "2"}, 2, "Usage", "--parallel needs --batch"},
        {{"run", "test-echo.echo", "--bogus"}, 2, "Usage", "--bogus"},
        {{"frobnicate"}, 2, "Usage", "unknown command \"frobnicate\""},
        {{}, 2, "Usage", "A subcommand is required"},
        {{"describe", "test-echo.nope"}, 2, "UnknownAction", "has no action \"nope\""},
        {{"describe", "ghost"}, 8, "PluginNotFound", "ghost"},
    };
    for (const auto& r : rows) {
        std::string joined;
        for (const auto& a : r.args)
            joined += a + " ";
        INFO(joined);
        const auto result = cli(r.args);
        CHECK(result.code == r.code);
        CHECK_THAT(result.err, Catch::StartsWith("actionhost: "));
        CHECK_THAT(result.err, Catch::Contains(r.cause));
        const auto object = json(result.out);
        CHECK_FALSE(object->getValue<bool>("ok"));
        CHECK(object->getObject("error")->getValue<std::string>("type") == r.type);
        CHECK_FALSE(object->getObject("error")->getValue<bool>("retryable"));
    }
}

TEST_CASE("host cli: plugin failures map through the classes their manifest declares",
          "[host][cli]") {
    // test-echo's own types: the host has never heard of them.
    const std::pair<const char*, int> table[] = {
        {"InvalidParameter", 2}, {"EchoNoCredentials", 3}, {"EchoNotReady", 4},  {"EchoRefused", 5},
        {"EchoHiccup", 6},       {"EchoTooSlow", 7},       {"InternalError", 1},
    };
    for (const auto& [type, code] : table) {
        INFO(type);
        const auto fail =
            cli({"run", "test-echo.fail", "--params", std::string(R"({"type":")") + type + "\"}"});
        CHECK(fail.code == code);
        CHECK(json(fail.out)->getObject("error")->getValue<std::string>("type") == type);
        CHECK_THAT(fail.err, Catch::Contains("AH_ERROR"));
        CHECK_THAT(fail.err, !Catch::Contains("undeclared_error_type"));
    }
    const auto thrown = cli({"run", "test-echo.throw"});
    CHECK(thrown.code == 1);
    CHECK_THAT(thrown.err, Catch::Contains("thrown as asked"));
    temp_dir dir;
    write_file(dir / "c.json", R"({"fail_create": true})");
    const auto create = cli({"run", "test-echo.echo", "--config", (dir / "c.json").string()});
    CHECK(create.code == 1);
    CHECK_THAT(create.err, Catch::Contains("fail_create was set in the config"));
    CHECK(json(create.out)->getObject("error")->getValue<std::string>("type") ==
          "InstanceCreateFailed");
}

TEST_CASE("host cli: an undeclared error type exits 1 with a warning event", "[host][cli]") {
    const auto r = cli({"run", "test-echo.fail", "--params", R"({"type":"InstanceNotStopped"})"});
    CHECK(r.code == 1);
    CHECK(json(r.out)->getObject("error")->getValue<std::string>("type") == "InstanceNotStopped");
    // One JSON log line names the type and the plugin.
    std::istringstream lines(r.err);
    std::string warning;
    for (std::string line; std::getline(lines, line);) {
        if (line.find("undeclared_error_type") != std::string::npos)
            warning = line;
    }
    REQUIRE_FALSE(warning.empty());
    const auto event = json(warning);
    CHECK(event->getValue<std::string>("level") == "warning");
    CHECK(event->getValue<std::string>("plugin") == "test-echo");
    CHECK(event->getValue<std::string>("type") == "InstanceNotStopped");
    CHECK_THAT(event->getValue<std::string>("message"), Catch::Contains("does not declare"));
}

TEST_CASE("host cli: describe shows params, defaults and result fields", "[host][cli]") {
    const auto text = cli({"describe", "test-echo.fail"});
    CHECK(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("type (string, optional, default \"EchoRefused\")"));
    CHECK_THAT(text.out, Catch::Contains("retryable (boolean, optional, default false)"));
    CHECK_THAT(text.out, Catch::Contains("Result fields:"));
    const auto plugin = cli({"describe", "test-echo"});
    CHECK_THAT(plugin.out,
               Catch::Contains("greeting (string, optional): Copied into every echo result."));
    CHECK_THAT(plugin.out, Catch::Contains("test-echo.block:"));
    const auto j = json(cli({"describe", "test-echo.echo", "--json"}).out);
    CHECK(j->getValue<std::string>("action") == "echo");
    const auto result = j->getArray("result");
    REQUIRE(result->size() == 4);
    CHECK(result->getObject(0)->getValue<std::string>("name") == "ok");  // required first
    CHECK(result->getObject(0)->getValue<bool>("required"));
    const auto seconds =
        json(cli({"describe", "test-echo.block", "--json"}).out)->getArray("params")->getObject(0);
    CHECK(seconds->getValue<std::string>("constraints") == "0 <= x");
}

TEST_CASE("host cli: describe lists the declared errors", "[host][cli]") {
    const auto text = cli({"describe", "test-echo"});
    CHECK(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("Errors (error.type: class, exit code"));
    CHECK_THAT(text.out, Catch::Contains("EchoHiccup         transient, exit 6, retryable: "));
    CHECK_THAT(text.out, Catch::Contains("EchoNotReady       precondition, exit 4, not retryable"));
    const auto j = json(cli({"describe", "test-echo", "--json"}).out);
    const auto errors = j->getArray("errors");
    REQUIRE(errors->size() == 9);
    bool seen = false;
    for (std::size_t i = 0; i < errors->size(); ++i) {
        const auto e = errors->getObject(static_cast<unsigned>(i));
        if (e->getValue<std::string>("type") != "EchoHiccup")
            continue;
        seen = true;
        CHECK(e->getValue<std::string>("class") == "transient");
        CHECK(e->getValue<int>("exit_code") == 6);
        CHECK(e->getValue<bool>("retryable"));
    }
    CHECK(seen);
    CHECK(json(cli({"describe", "test-echo.fail", "--json"}).out)->getArray("errors")->size() == 9);
}

TEST_CASE("host cli: check reports each plugin", "[host][cli]") {
    const auto good = cli({"check", "test-echo"});
    CHECK(good.code == 0);
    CHECK_THAT(good.out, Catch::Contains("test-echo: OK"));
    CHECK_THAT(good.out, Catch::Contains("ah_plugin_cancel"));
    const auto all = cli({"check", "--json"});
    CHECK(all.code == 8);
    const auto j = json(all.out);
    CHECK_FALSE(j->getValue<bool>("ok"));
    const auto plugins = j->getArray("plugins");
    REQUIRE(plugins->size() >= 7);  // the build's own plugin folder may add real plugins
    int seen = 0;
    for (std::size_t i = 0; i < plugins->size(); ++i) {
        const auto p = plugins->getObject(static_cast<unsigned>(i));
        const auto name = p->getValue<std::string>("plugin");
        if (name.rfind("test-", 0) != 0)
            continue;
        ++seen;
        INFO(name);
        CHECK(p->getValue<bool>("ok") == (name == "test-echo"));
        if (name == "test-no-cancel") {
            CHECK(p->getArray("missing_symbols")->getElement<std::string>(0) == "ah_plugin_cancel");
        }
    }
    CHECK(seen == 7);
}

TEST_CASE("host cli: check fails a plugin whose errors disagree with its result schemas",
          "[host][cli]") {
    temp_dir dir;
    std::ifstream in(test_support::echo_dir / "test-echo.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string anchor = R"("errors": {)";
    text.insert(text.find(anchor) + anchor.size(),
                R"("EchoExtra": {"class": "remote", "retryable": false, "description": "x"},)");
    const std::string library = R"("library": "libtest-echo.so")";
    text.replace(text.find(library), library.size(),
                 R"("library": ")" + (test_support::echo_dir / "libtest-echo.so").string() + "\"");
    const std::string name = R"("name": "test-echo")";
    text.replace(text.find(name), name.size(), R"("name": "test-extra")");
    write_file(dir / "test-extra.json", text);
    const auto r = cli({"--plugin-path", dir.path().string(), "check", "--json", "test-extra"});
    CHECK(r.code == 8);
    const auto plugin = json(r.out)->getArray("plugins")->getObject(0);
    CHECK_FALSE(plugin->getValue<bool>("ok"));
    CHECK_FALSE(plugin->getValue<bool>("errors_agree"));
    CHECK_THAT(
        plugin->getArray("error_problems")->getElement<std::string>(0),
        Catch::Contains(R"("errors" declares "EchoExtra", which no action's result schema)"));
    const auto text_run = cli({"--plugin-path", dir.path().string(), "check", "test-extra"});
    CHECK(text_run.code == 8);
    CHECK_THAT(text_run.out, Catch::Contains("test-extra: FAILED"));
    CHECK_THAT(text_run.err, Catch::Contains("EchoExtra"));
    const auto good = cli({"check", "--json", "test-echo"});
    CHECK(json(good.out)->getArray("plugins")->getObject(0)->getValue<bool>("errors_agree"));
}

TEST_CASE("host cli: check survives a library whose loading kills the process", "[host][cli]") {
    const std::string path =
        test_support::crashing_dir.string() + ":" + test_support::echo_dir.string();
    const auto r = cli({"--plugin-path", path, "check", "--json"});
    CHECK(r.code == 8);
    const auto plugins = json(r.out)->getArray("plugins");
    std::map<std::string, Poco::JSON::Object::Ptr> by_name;
    for (std::size_t i = 0; i < plugins->size(); ++i) {
        const auto p = plugins->getObject(static_cast<unsigned>(i));
        by_name[p->getValue<std::string>("plugin")] = p;
    }
    REQUIRE(by_name.count("test-crash-on-load") == 1);
    const auto crashed = by_name["test-crash-on-load"];
    CHECK_FALSE(crashed->getValue<bool>("ok"));
    CHECK(crashed->getObject("error")->getValue<std::string>("type") == "PluginLoadFailed");
    CHECK_THAT(crashed->getObject("error")->getValue<std::string>("message"),
               Catch::Contains("loading it killed the checking process (signal 6, Aborted)"));
    // The crash did not take the check of the others with it.
    REQUIRE(by_name.count("test-echo") == 1);
    CHECK(by_name["test-echo"]->getValue<bool>("ok"));
}

TEST_CASE("host cli: batch runs keep input order", "[host][cli]") {
    temp_dir dir;
    write_file(dir / "in.jsonl", "{\"i\":1}\n\n{\"type\":\"EchoHiccup\"}\nnot json\n{\"i\":4}\n");
    const auto echo =
        cli({"run", "test-echo.echo", "--batch", (dir / "in.jsonl").string(), "--parallel", "3"});
    std::istringstream lines(echo.out);
    std::vector<std::string> out;
    for (std::string line; std::getline(lines, line);)
        out.push_back(line);
    // Each result carries its input line; the blank line 2 gets none but is said on stderr.
    REQUIRE(out.size() == 4);
    CHECK(out[0] == R"({"line":1,"greeting":"","ok":true,"params":{"i":1}})");
    CHECK(out[1] == R"({"line":3,"greeting":"","ok":true,"params":{"type":"EchoHiccup"}})");
    CHECK_THAT(out[2],
               Catch::StartsWith(R"({"line":4,"ok":false,"error":{"type":"InvalidParameter")"));
    CHECK_THAT(out[2], Catch::Contains("in.jsonl line 4: invalid JSON"));
    CHECK(out[3] == R"({"line":5,"greeting":"","ok":true,"params":{"i":4}})");
    CHECK(echo.code == 2);  // the worst outcome: the invalid line
    CHECK_THAT(echo.err, Catch::Contains("in.jsonl line 2 is blank; skipped"));
    CHECK_THAT(echo.err,
               Catch::EndsWith("actionhost: batch: 4 lines: 3 ok, 1 failed (InvalidParameter 1); "
                               "exit 2\n"));

    const auto fail = cli({"run", "test-echo.fail", "--batch", (dir / "in.jsonl").string()});
    CHECK(fail.code == 6);  // EchoHiccup (transient, 6) is worse than InvalidParameter (2)
    CHECK_THAT(fail.err, Catch::EndsWith("batch: 4 lines: 0 ok, 4 failed (EchoHiccup 1, "
                                         "EchoRefused 2, InvalidParameter 1); exit 6\n"));
}

TEST_CASE("host cli: lines the host refuses are printed in their place", "[host][cli]") {
    // The workers print whatever is due when they finish a line: a refused line has its result
    // before any work, first, last or in a run, and must neither be skipped nor stall the rest.
    std::string input = "not json\n";
    for (int i = 2; i <= 40; ++i)
        input += i % 7 == 0 ? "[]\n" : "{\"i\":" + std::to_string(i) + "}\n";
    input += "{\n";
    const auto mixed = cli({"run", "test-echo.echo", "--batch", "-", "--parallel", "4"}, input);
    std::istringstream lines(mixed.out);
    std::vector<std::string> out;
    for (std::string line; std::getline(lines, line);)
        out.push_back(line);
    REQUIRE(out.size() == 41);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::size_t line = i + 1;
        INFO("line " << line << ": " << out[i]);
        CHECK_THAT(out[i], Catch::StartsWith("{\"line\":" + std::to_string(line) + ","));
        const bool refused = line == 1 || line == 41 || line % 7 == 0;
        CHECK_THAT(out[i], Catch::Contains(refused ? "\"ok\":false" : "\"ok\":true"));
    }
    CHECK(mixed.code == 2);

    const auto refused =
        cli({"run", "test-echo.echo", "--batch", "-", "--parallel", "3"}, "[]\n1\n\"x\"\n");
    CHECK(refused.out.find("{\"line\":1,\"ok\":false") == 0);
    CHECK(refused.out.find("{\"line\":3,\"ok\":false") != std::string::npos);
    CHECK_THAT(refused.err,
               Catch::EndsWith("batch: 3 lines: 0 ok, 3 failed (InvalidParameter 3); exit 2\n"));
}

TEST_CASE("host cli: batch from stdin, and what is not a batch file", "[host][cli]") {
    const auto in = cli({"run", "test-echo.echo", "--batch", "-"}, "{\"a\":1}\n{\"b\":2}");
    CHECK(in.code == 0);
    CHECK(in.out ==
          "{\"line\":1,\"greeting\":\"\",\"ok\":true,\"params\":{\"a\":1}}\n"
          "{\"line\":2,\"greeting\":\"\",\"ok\":true,\"params\":{\"b\":2}}\n");
    temp_dir dir;
    const auto folder = cli({"run", "test-echo.echo", "--batch", dir.path().string()});
    CHECK(folder.code == 2);
    CHECK_THAT(folder.err, Catch::Contains(": is a directory, not a regular file"));
    const auto device = cli({"run", "test-echo.echo", "--batch", "/dev/zero"});
    CHECK(device.code == 2);
    CHECK_THAT(device.err,
               Catch::Contains("batch file /dev/zero: is a device, not a regular file"));
    const auto empty = cli({"run", "test-echo.echo", "--batch", "-"}, "");
    CHECK(empty.code == 0);
    CHECK(empty.out.empty());
    CHECK_THAT(empty.err, Catch::Contains("batch: 0 lines: 0 ok, 0 failed; exit 0"));
}

TEST_CASE("host cli: --help documents the exit codes", "[host][cli]") {
    const auto help = cli({"--help"});
    CHECK(help.code == 0);
    CHECK_THAT(help.out, Catch::Contains("Exit codes (a plugin's error types count by the class"));
    CHECK_THAT(help.out, Catch::Contains("143"));
    const auto run_help = cli({"run", "--help"});
    CHECK(run_help.code == 0);
    CHECK_THAT(run_help.out, Catch::Contains("--timeout"));
}

TEST_CASE("host cli: list text and JSON", "[host][cli]") {
    const auto text = cli({"list"});
    CHECK(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("test-echo.block"));
    const auto j = json(cli({"list", "--json"}).out);
    const auto plugins = j->getArray("plugins");
    REQUIRE(plugins->size() >= 7);
    CHECK(plugins->getObject(0)->getValue<std::string>("name") == "test-echo");
    CHECK(plugins->getObject(6)->getValue<std::string>("name") == "test-older-major");
}

TEST_CASE("host cli: describe survives odd but well-formed schemas", "[host][cli]") {
    temp_dir dir;
    write_file(dir / "odd.json", R"({"name": "odd", "version": "1", "api_version": "1.0.0",
        "description": "d", "library": "l.so",
        "errors": {"E": {"class": "usage", "retryable": false, "description": "e"}},
        "config_schema": {"properties": {"x": true, "y": {"type": ["string", 3],
                          "description": {"a": 1}}}, "required": [1, "y"]},
        "actions": [{"name": "a", "description": "", "params_schema": {"properties": 5},
                     "result_schema": {"required": "x"}}]})");
    const auto text = cli({"--plugin-path", dir.path().string(), "describe", "odd"});
    CHECK(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("x (any, optional)"));
    CHECK_THAT(text.out, Catch::Contains(R"(y (string|3, required): {"a":1})"));
    const auto j = cli({"--plugin-path", dir.path().string(), "describe", "odd.a", "--json"});
    CHECK(j.code == 0);
    CHECK(json(j.out)->getArray("params")->size() == 0);
}
