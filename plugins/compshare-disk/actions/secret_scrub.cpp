#include "secret_scrub.hpp"

namespace compshare::detach {

void scrub_in_place(std::string& text, std::string_view secret) {
    if (!holds_secret(text, secret))  // the usual case: ids and states hold no key
        return;
    const std::string_view marker = scrubbed_marker;
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + marker.size())) {
        text.replace(at, secret.size(), marker);
    }
}

std::string scrub_secret(std::string text, std::string_view secret) {
    scrub_in_place(text, secret);
    return text;
}

void scrub_report(detach_report& r, std::string_view secret) {
    if (secret.size() < min_scrubbed_secret)
        return;
    const auto scrub = [&](std::string& text) { scrub_in_place(text, secret); };
    for (auto* field : {&r.resource.region, &r.resource.zone, &r.resource.uhost_id,
                        &r.resource.udisk_id, &r.resource.device, &r.message}) {
        scrub(*field);
    }
    if (r.observed.instance_state)
        scrub(*r.observed.instance_state);
    if (r.response) {
        scrub(r.response->action);
        scrub(r.response->message);
    }
    for (auto& id : r.request_ids)
        scrub(id);
    for (auto& warning : r.warnings)
        scrub(warning);
    if (r.client_token)
        scrub(*r.client_token);
    if (r.error) {
        scrub(r.error->message);
        scrub(r.error->api_message);
        scrub(r.error->request_id);
    }
}

void scrub_report(status_report& r, std::string_view secret) {
    const auto scrub = [&](std::string& text) { scrub_in_place(text, secret); };
    scrub(r.message);
    if (r.instance) {
        scrub(r.instance->state);
        scrub(r.instance->region);
        for (auto& disk : r.instance->disks) {
            scrub(disk.id);
            scrub(disk.type);
        }
    }
    for (auto& id : r.request_ids)
        scrub(id);
    for (auto& warning : r.warnings)
        scrub(warning);
    if (r.error) {
        scrub(r.error->message);
        scrub(r.error->api_message);
        scrub(r.error->request_id);
    }
}

}  // namespace compshare::detach
