// Injected faults (POST /_emulator/faults): what to do to the next matching API request(s).
#pragma once

#include <Poco/JSON/Object.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace compshare_emulator {

enum class fault_mode {
    http_status,      // answer with an HTTP error status
    reset,            // close the connection with no response (RST)
    delay,            // wait delay_ms, then answer normally
    malformed_json,   // HTTP 200 with a truncated JSON body
    empty_body,       // HTTP 200 with an empty body
    ret_code,         // HTTP 200 with the given RetCode and Message
    string_ret_code,  // the normal answer, with RetCode as a JSON string
    body,             // HTTP 200 with the given body, verbatim (a canned reply)
};

struct fault {
    std::string action = "*";  // an API action name, or "*" for any
    fault_mode mode = fault_mode::http_status;
    int times = 1;        // how many matching requests it applies to
    bool after = false;   // apply "after": process the request (state changes), then fault
    int status = 503;     // http_status
    int delay_ms = 0;     // delay
    int ret_code = 0;     // ret_code
    std::string message;  // ret_code
    std::string body;     // body

    // Whether the request is processed at all (state changes, RetCode computed).
    bool processes_request() const;
    Poco::JSON::Object::Ptr to_json() const;
};

// Parses one fault object or an array of them; throws emulator_error naming the problem.
std::vector<fault> parse_faults(const std::string& json);

class fault_queue {
  public:
    void add(const std::vector<fault>& faults);
    void clear();
    // The first pending fault matching the action (or "*"), consumed once; nullopt if none.
    std::optional<fault> take(const std::string& action);
    std::string to_json() const;  // {"faults":[...pending, with times left...]}

  private:
    mutable std::mutex mutex_;
    std::vector<fault> pending_;
};

}  // namespace compshare_emulator
