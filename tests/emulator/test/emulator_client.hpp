// A tiny HTTP client for the emulator's own tests: signed API calls and raw requests.
#pragma once

#include "compshare_emulator/server.hpp"
#include "compshare_emulator/signature.hpp"

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace emulator_test {

using compshare_emulator::param_map;

struct reply {
    int status = 0;
    std::string reason;  // the status line's reason phrase
    std::string content_type;
    std::string request_id;  // X-UCLOUD-REQUEST-UUID
    std::string body;
    Poco::JSON::Object::Ptr json() const;  // parses body (throws if not a JSON object)
    int ret_code() const;                  // json()->RetCode as int
};

// Adds PublicKey and Signature (default test-vector keys) to params.
param_map sign(param_map params,
               const std::string& public_key = compshare_emulator::default_public_key,
               const std::string& private_key = compshare_emulator::default_private_key);

std::string form_encode(const param_map& params);

// One HTTP request on a fresh connection to 127.0.0.1:port.
reply request(uint16_t port, const std::string& method, const std::string& uri,
              const std::string& content_type = "", const std::string& body = "",
              const std::map<std::string, std::string>& headers = {});

// POST / with a form body of the signed params (Go SDK style: Action also in the query).
reply call(uint16_t port, const param_map& params);

// The DiskIds in the DiskSet of one instance, from DescribeCompShareInstance.
std::string disk_ids(uint16_t port, const std::string& uhost_id);

}  // namespace emulator_test
