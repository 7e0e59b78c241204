// The `status` action's result: one JSON object (its schema is the manifest's result_schema).
#pragma once

#include "detach_error.hpp"
#include "instance_view.hpp"

#include <actionhost/outcome.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace compshare::detach {

struct status_report {
    bool ok = false;
    std::string status = "failed";  // "read", "failed" or "cancelled"

    struct {
        std::string region, zone, uhost_id, udisk_id;  // "" = unknown / not asked
    } resource;

    std::optional<instance_view> instance;  // the read, when it succeeded

    std::vector<std::string> request_ids;
    struct {
        std::int64_t elapsed_ms = 0;
        int api_calls = 0;
        int retries = 0;
    } timing;
    std::vector<std::string> warnings;
    std::string message;
    std::optional<error_info> error;  // set iff !ok
};

std::string to_json(const status_report& report);
actionhost::outcome to_outcome(const status_report& report);

}  // namespace compshare::detach
