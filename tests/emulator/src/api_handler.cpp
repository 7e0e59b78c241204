#include "api_handler.hpp"

#include "api_actions.hpp"
#include "http_util.hpp"
#include "request_params.hpp"
#include "ret_codes.hpp"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <sstream>

namespace compshare_emulator {
namespace {

constexpr const char* json_type = "application/json";

bool same_signature(const std::string& a, const std::string& b) {
    // Constant-time over the length, so timing does not reveal a matching prefix.
    if (a.size() != b.size()) {
        return false;
    }
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

std::string lookup(const param_map& params, const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
}

// Gateway checks in order: Action present (160), known (161), Signature present (170),
// PublicKey known (172), Signature right (171); then the action itself.
action_result process(server_core& core, const param_map& params) {
    const std::string action = lookup(params, "Action");
    if (action.empty()) {
        return {ret::missing_action, "Missing Action", nullptr};
    }
    if (!is_known_action(action)) {
        return {ret::unknown_action, "Action [" + action + "] does not exist", nullptr};
    }
    const std::string signature = lookup(params, "Signature");
    if (signature.empty()) {
        return {ret::missing_signature, "Missing Signature", nullptr};
    }
    return core.with_state([&](emulator_state& state) -> action_result {
        const key_pair* key = state.find_key(lookup(params, "PublicKey"));
        if (key == nullptr) {
            return {ret::unknown_public_key, "User does not exist: unknown PublicKey", nullptr};
        }
        if (!same_signature(signature, compute_signature(params, key->private_key))) {
            return {ret::bad_signature, "Signature VerifyAC Error", nullptr};
        }
        return run_action(state, params, clock::now(),
                          std::chrono::milliseconds(core.opts().detach_delay_ms));
    });
}

std::string response_body(const std::string& action, const action_result& result,
                          bool ret_code_as_string) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("Action", action + "Response");
    if (ret_code_as_string) {
        body.set("RetCode", std::to_string(result.ret_code));
    } else {
        body.set("RetCode", result.ret_code);
    }
    if (result.ret_code != 0) {
        body.set("Message", result.message);
    }
    if (!result.fields.isNull()) {
        for (const auto& name : result.fields->getNames()) {
            body.set(name, result.fields->get(name));
        }
    }
    std::ostringstream out;
    body.stringify(out);
    return out.str();
}

// Sends the answer: the normal one, or what the injected fault asks for.
void respond(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
             const std::optional<fault>& injected, const std::string& action,
             const action_result& result) {
    const bool normal = !injected || injected->mode == fault_mode::delay ||
                        injected->mode == fault_mode::string_ret_code;
    if (normal) {
        const bool as_string = injected && injected->mode == fault_mode::string_ret_code;
        send_body(response, 200, json_type, response_body(action, result, as_string));
        return;
    }
    switch (injected->mode) {
        case fault_mode::http_status:
            send_body(response, injected->status, "text/plain",
                      Poco::Net::HTTPResponse::getReasonForStatus(
                          static_cast<Poco::Net::HTTPResponse::HTTPStatus>(injected->status)));
            break;
        case fault_mode::reset:
            reset_connection(request, response);
            break;
        case fault_mode::malformed_json:
            send_body(response, 200, json_type,
                      R"({"Action":")" + action + R"(Response","RetCode":0,"UHost)");
            break;
        case fault_mode::empty_body:
            send_body(response, 200, json_type, "");
            break;
        case fault_mode::ret_code:
            send_body(
                response, 200, json_type,
                response_body(action, {injected->ret_code, injected->message, nullptr}, false));
            break;
        case fault_mode::body:
            send_body(response, 200, json_type, injected->body);
            break;
        case fault_mode::delay:
        case fault_mode::string_ret_code:
            break;  // answered normally above
    }
}

}  // namespace

void api_handler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response) {
    request_record entry;
    entry.time = Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%iZ");
    entry.request_id = core_.next_request_id();
    response.set("X-UCLOUD-REQUEST-UUID", entry.request_id);

    if (request.getMethod() != "GET" && request.getMethod() != "POST") {
        response.setKeepAlive(false);  // the unread body must not be parsed as a request
        response.set("Allow", "GET, POST");
        send_body(response, 405, json_type, R"({"error":"method not allowed; use POST or GET"})");
        return;
    }
    const Poco::URI uri(request.getURI());
    param_map params;
    action_result result;
    bool parsed = true;
    try {
        params =
            parse_request_params(uri.getRawQuery(), request.getContentType(), read_body(request));
    } catch (const body_too_large&) {
        response.setKeepAlive(false);
        send_body(response, 413, json_type, R"({"error":"request body larger than 1 MiB"})");
        return;
    } catch (const bad_request_body& e) {
        // The gateway's answer to an unreadable body is UNKNOWN: a parameter error.
        result = {ret::bad_params, std::string("Params not available: ") + e.what(), nullptr};
        parsed = false;
    } catch (const Poco::Exception& e) {
        result = {ret::bad_params, "Params not available: " + e.displayText(), nullptr};
        parsed = false;
    }
    const std::string action = lookup(params, "Action");
    entry.action = action;
    entry.params = mask_secrets(params);
    entry.method = request.getMethod();
    entry.path = uri.getPath();  // the query is in params, masked
    entry.content_type = request.getContentType();
    entry.user_agent = request.get("User-Agent", "");
    entry.timestamp_ms = request.get("U-Timestamp-Ms", "");

    const std::optional<fault> injected = core_.faults().take(action);
    if (injected) {
        entry.fault = injected->to_json();
    }
    const bool delay = injected && injected->mode == fault_mode::delay;
    if (delay && !injected->after) {
        core_.wait_ms(injected->delay_ms);
    }
    if (!injected || injected->processes_request()) {
        if (parsed) {
            result = process(core_, params);
        }
        entry.ret_code = result.ret_code;
    }
    if (delay && injected->after) {
        core_.wait_ms(injected->delay_ms);
    }
    core_.log().record(std::move(entry));
    respond(request, response, injected, action, result);
}

}  // namespace compshare_emulator
