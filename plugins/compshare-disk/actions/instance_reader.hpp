// One DescribeCompShareInstance for one instance, reduced to an instance_view at once, with its
// failures classified into the action's error types (thrown as `stop`).
#pragma once

#include "action_support.hpp"
#include "client/api_client.hpp"
#include "instance_view.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace compshare::detach {

inline constexpr const char* describe_action = "DescribeCompShareInstance";

struct instance_query {
    std::string region;
    std::string zone;  // "" = any zone
    std::string uhost_id;
    std::string project_id;  // "" = the config's, if any
};

// The message of a cancel during `context` (it says whether the action's write had been sent).
using cancelled_text = std::function<std::string(const std::string& context)>;

// std::nullopt when the instance is not listed. API failures are classified with `context`, a
// malformed reply is Transient; a deadline bounds the call and its retries.
std::optional<instance_view> read_instance(
    api_client& client, const instance_query& query, const std::string& context,
    const cancelled_text& cancelled,
    std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

}  // namespace compshare::detach
