#include "instance_reader.hpp"

namespace compshare::detach {
namespace {

// "reply" when the context already names the action, else "DescribeCompShareInstance reply".
std::string reply_name(const std::string& context) {
    return context.find(describe_action) == std::string::npos
               ? std::string(describe_action) + " reply"
               : std::string("reply");
}

}  // namespace

std::optional<instance_view> read_instance(
    api_client& client, const instance_query& query, const std::string& context,
    const cancelled_text& cancelled,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
    try {
        // An empty Zone or ProjectId is not sent (call() drops it).
        const auto reply = client.call(describe_action,
                                       {{"Region", query.region},
                                        {"UHostIds.0", query.uhost_id},
                                        {"Zone", query.zone},
                                        {"ProjectId", query.project_id}},
                                       call_kind::read, deadline);
        return parse_describe(reply.body, query.uhost_id);
    } catch (const api_failure& f) {
        auto e = classify(f, context);
        if (e.type == error_type::cancelled)
            e.message = cancelled(context);
        throw stop{std::move(e)};
    } catch (const malformed_response& m) {
        throw stop{make_error(
            error_type::transient,
            context + ": malformed " + reply_name(context) + " (" + m.what() + ")", true)};
    }
}

}  // namespace compshare::detach
