#include "log_sink.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <thread>
#include <vector>

using namespace actionhost::core;

namespace {

// 2026-11-28T15:26:07.123Z
const auto fixed_time =
    std::chrono::system_clock::time_point(std::chrono::milliseconds(1795879567123LL));

Poco::JSON::Object::Ptr parse(const std::string& line) {
    Poco::JSON::Parser parser;
    return parser.parse(line).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST_CASE("host log sink: JSON lines merge the event with ts, level, plugin", "[host][log]") {
    std::ostringstream out;
    log_sink sink(out, log_format::json, "p");
    const std::string line = sink.format(
        AH_LOG_WARNING, R"({"event":"retry","message":"again","delay_ms":250,"level":"x"})",
        fixed_time);
    CHECK(line.rfind(R"({"ts":"2026-11-28T15:26:07.123Z","level":"warning","plugin":"p",)", 0) ==
          0);
    const auto o = parse(line);
    CHECK(o->getValue<std::string>("event") == "retry");
    CHECK(o->getValue<std::string>("message") == "again");
    CHECK(o->getValue<int>("delay_ms") == 250);
    CHECK(o->getValue<std::string>("level") == "warning");  // the plugin cannot override it
}

TEST_CASE("host log sink: events copied as they are still get exactly one ts, level, plugin",
          "[host][log]") {
    // Plain events are copied after the host's members (a fast path); anything that could spell
    // a reserved key, or is not plain ASCII, is parsed and rebuilt.
    std::ostringstream out;
    log_sink sink(out, log_format::json, "p");
    const std::string plain =
        sink.format(AH_LOG_INFO, R"( { "event" : "e", "n" : [1, {"a": null}] } )", fixed_time);
    CHECK(
        plain ==
        R"({"ts":"2026-11-28T15:26:07.123Z","level":"info","plugin":"p","event" : "e", "n" : [1, {"a": null}] })");
    CHECK(parse(plain)->getArray("n")->size() == 2);
    CHECK(sink.format(AH_LOG_INFO, "{}", fixed_time) ==
          R"({"ts":"2026-11-28T15:26:07.123Z","level":"info","plugin":"p"})");
    for (const char* event : {R"({"\u0074s":"forged","event":"e"})",
                              R"({"plugin":"q","event":"e"})", "{\"event\":\"caf\xc3\xa9\"}"}) {
        const std::string line = sink.format(AH_LOG_INFO, event, fixed_time);
        INFO(line);
        CHECK(line.find("forged") == std::string::npos);
        CHECK(parse(line)->getValue<std::string>("plugin") == "p");
        CHECK(parse(line)->getValue<std::string>("ts") == "2026-11-28T15:26:07.123Z");
    }
    CHECK(parse(sink.format(AH_LOG_INFO, R"({"event":"e",})", fixed_time))
              ->getValue<std::string>("event") == "invalid_log_event");
    // Only the event's own members are the line's: deeper ones and escapes elsewhere are copied.
    CHECK(sink.format(AH_LOG_INFO, R"({"event":"e","detail":{"ts":1,"plugin":"q"}})", fixed_time) ==
          R"({"ts":"2026-11-28T15:26:07.123Z","level":"info","plugin":"p","event":"e",)"
          R"("detail":{"ts":1,"plugin":"q"}})");
}

TEST_CASE("host log sink: written lines are stamped now, one line per event", "[host][log]") {
    std::ostringstream out;
    log_sink sink(out, log_format::json, "p");
    const auto before = std::chrono::system_clock::now();
    sink.write(AH_LOG_INFO, R"({"event":"a"})");
    sink.write(AH_LOG_INFO, R"({"event":"b","ts":"forged"})");
    std::istringstream lines(out.str());
    std::string line;
    std::vector<std::string> stamps;
    while (std::getline(lines, line)) {
        const auto o = parse(line);
        stamps.push_back(o->getValue<std::string>("ts"));
        CHECK(stamps.back().size() == 24);
    }
    REQUIRE(stamps.size() == 2);
    CHECK(stamps[0] <= stamps[1]);
    CHECK(stamps[0].substr(0, 10) >= utc_time_stamp(before).substr(0, 10));
}

TEST_CASE("host log sink: a message that is not a JSON object is kept", "[host][log]") {
    std::ostringstream out;
    log_sink sink(out, log_format::json, "p");
    const auto o = parse(sink.format(AH_LOG_ERROR, "plain \"text\"\n", fixed_time));
    CHECK(o->getValue<std::string>("event") == "invalid_log_event");
    CHECK(o->getValue<std::string>("message") == "plain \"text\"\n");
    CHECK(o->getValue<std::string>("level") == "error");
    const auto n = parse(sink.format(AH_LOG_INFO, nullptr, fixed_time));
    CHECK(n->getValue<std::string>("message").empty());
    // Invalid UTF-8 is replaced (U+FFFD), so the line stays valid JSON.
    const auto u = parse(sink.format(AH_LOG_INFO, "bad \xff\xfe bytes", fixed_time));
    CHECK(u->getValue<std::string>("message") == "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

TEST_CASE("host log sink: text format for people", "[host][log]") {
    std::ostringstream out;
    log_sink sink(out, log_format::text, "compshare-disk");
    CHECK(sink.format(AH_LOG_INFO,
                      R"({"event":"poll","message":"still attached","state":"Stopped","n":2})",
                      fixed_time) ==
          "2026-11-28T15:26:07.123Z INFO compshare-disk poll: still attached state=Stopped n=2");
    CHECK(sink.format(AH_LOG_DEBUG, R"({"event":"e","message":"two\nlines"})", fixed_time) ==
          "2026-11-28T15:26:07.123Z DEBUG compshare-disk e: two lines");
    CHECK(sink.format(static_cast<ah_log_level>(42), "oops", fixed_time) ==
          "2026-11-28T15:26:07.123Z UNKNOWN compshare-disk invalid_log_event: oops");
}

TEST_CASE("host log sink: the callback writes whole lines from many threads", "[host][log]") {
    std::ostringstream out;
    log_sink sink(out, log_format::json, "p");
    const ah_host_api api = sink.host_api();
    CHECK(api.struct_size == sizeof(ah_host_api));
    CHECK(std::string(api.api_version) == AH_PLUGIN_API_VERSION);
    REQUIRE(api.log != nullptr);
    {
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&api, t] {
                for (int i = 0; i < 200; ++i) {
                    const std::string m = R"({"event":"e","message":"m","t":)" + std::to_string(t) +
                                          R"(,"i":)" + std::to_string(i) + "}";
                    api.log(api.host_ctx, AH_LOG_INFO, m.c_str());
                }
            });
        }
        for (auto& th : threads)
            th.join();
    }
    std::istringstream lines(out.str());
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        const auto o = parse(line);  // every line is one whole JSON object
        CHECK(o->has("t"));
        ++count;
    }
    CHECK(count == 800);
}
