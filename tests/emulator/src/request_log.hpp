// What reached the emulator: the redacted per-request records (GET /_emulator/requests), counts
// per action, and the optional --request-log file (one JSON line per request).
#pragma once

#include "compshare_emulator/signature.hpp"

#include <Poco/JSON/Object.h>

#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace compshare_emulator {

struct request_record {
    std::string time;  // ISO 8601 UTC, milliseconds
    std::string request_id;
    std::string action;                                  // "" when the request had none
    param_map params;                                    // secrets masked (see mask_secrets)
    std::string method, path, content_type, user_agent;  // of the HTTP request
    std::string timestamp_ms;       // its U-Timestamp-Ms header, as the SDKs send it ("" if absent)
    std::optional<int> ret_code;    // the RetCode the request was processed with, if processed
    Poco::JSON::Object::Ptr fault;  // the injected fault, or null
};

// Replaces the values of Signature, PublicKey, PrivateKey, SecurityToken and any *Password*
// parameter by "***".
param_map mask_secrets(param_map params);

class request_log {
  public:
    // Opens file for appending when not empty; throws emulator_error if it cannot.
    // verbose: also write each line to stderr.
    request_log(const std::string& file, bool verbose);

    void record(request_record entry);
    std::string to_json() const;
    void clear();  // the records and counts; the file is kept
    int count(const std::string& action) const;
    int accepted(const std::string& action) const;

    // The most recent records kept in memory (counts stay exact beyond it).
    static constexpr std::size_t max_records = 100000;

  private:
    mutable std::mutex mutex_;
    std::deque<request_record> records_;
    std::size_t dropped_ = 0;
    std::map<std::string, int> counts_;
    std::map<std::string, int> accepted_;
    std::ofstream file_;
    bool verbose_ = false;
};

}  // namespace compshare_emulator
