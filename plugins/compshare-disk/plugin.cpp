// The compshare-disk plugin: its actions `detach`, `attach` and `status`, exported through the
// actionhost C ABI.
#include "actions/attach_action.hpp"
#include "actions/detach_action.hpp"
#include "actions/detach_params.hpp"
#include "actions/detach_result.hpp"
#include "actions/secret_scrub.hpp"
#include "actions/status_action.hpp"
#include "client/api_client.hpp"
#include "client/settings.hpp"

#include <actionhost/plugin.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#ifndef COMPSHARE_DISK_VERSION
#error "COMPSHARE_DISK_VERSION must be defined (from the manifest's version)"
#endif
#ifndef ACTIONHOST_VERSION
#error "ACTIONHOST_VERSION must be defined"
#endif

namespace {

using namespace compshare::detach;

// A failure found before the action could start (parameters, credentials): still a complete
// result with every field, so engines can read it like any other.
actionhost::outcome early_failure(const char* type, const std::string& message,
                                  const detach_params* params = nullptr) {
    detach_report report;
    report.status = status::failed;
    report.message = message;
    if (params != nullptr) {
        report.dry_run = params->dry_run;
        report.client_token = params->client_token;
        report.resource.region = params->region;
        report.resource.zone = params->zone;
        report.resource.uhost_id = params->uhost_id;
        report.resource.udisk_id = params->udisk_id;
        report.resource.device = params->device;
    }
    error_info error;
    error.type = type;
    error.message = message;
    report.error = std::move(error);
    return to_outcome(report);
}

// The same for the other actions' reports, which start from their parameters.
template <class Report>
Report failed(Report report, const char* type, const std::string& message) {
    report.status = status::failed;
    report.message = message;
    error_info error;
    error.type = type;
    error.message = message;
    report.error = std::move(error);
    return report;
}

class compshare_disk_plugin {
  public:
    compshare_disk_plugin(const actionhost::host& host, std::string_view config_json)
        : host_(host) {
        try {
            auto settings =
                compshare::resolve_settings(config_json, compshare::process_environment());
            settings.user_agent =
                "actionhost/" ACTIONHOST_VERSION " compshare-disk/" COMPSHARE_DISK_VERSION;
            region_ = settings.region;
            client_log_.struct_size = sizeof client_log_;
            client_log_.api_version = AH_PLUGIN_API_VERSION;
            client_log_.host_ctx = this;
            client_log_.log = host_.has_log() ? &scrubbed_client_log : nullptr;
            client_host_.emplace(&client_log_, host_.cancellation());
            client_ = std::make_unique<compshare::api_client>(std::move(settings), *client_host_);
        } catch (const compshare::settings_error& e) {
            // Missing keys must not fail create: every invoke reports them (exit code 3), so a
            // host can still list, describe and validate. Anything else is a bad config.
            if (e.type() != error_type::credentials_missing) {
                throw actionhost::plugin_error(AH_INVALID_ARGUMENT,
                                               std::string("invalid config: ") + e.what());
            }
            credentials_error_ = e.what();
        }
    }

    actionhost::outcome invoke(std::string_view action, std::string_view params_json) {
        if (action == "detach")
            return detach(params_json);
        if (action == "attach")
            return run_action(params_json, parse_attach_params, attach_report_for, run_attach);
        if (action == "status")
            return run_action(params_json, parse_status_params, status_report_for, run_status);
        return actionhost::outcome::unknown_action(action);
    }

    compshare_disk_plugin(const compshare_disk_plugin&) = delete;
    compshare_disk_plugin& operator=(const compshare_disk_plugin&) = delete;

  private:
    actionhost::outcome detach(std::string_view params_json) {
        detach_params params;
        try {
            params = parse_detach_params(params_json, region_, client_ != nullptr);
        } catch (const invalid_parameter& e) {
            return early_failure(error_type::invalid_parameter, e.what());
        }
        if (!client_) {
            return early_failure(error_type::credentials_missing, credentials_error_, &params);
        }
        return to_outcome(run_detach(params, *client_, host_));
    }

    // attach and status: parse, report missing credentials, run; each failure a full report.
    template <class Params, class Report>
    actionhost::outcome run_action(std::string_view params_json,
                                   Params (*parse)(std::string_view, const std::string&, bool),
                                   Report (*report_for)(const Params&),
                                   Report (*run)(const Params&, compshare::api_client&,
                                                 const actionhost::host&)) {
        Params params;
        try {
            params = parse(params_json, region_, client_ != nullptr);
        } catch (const invalid_parameter& e) {
            return to_outcome(failed(report_for({}), error_type::invalid_parameter, e.what()));
        }
        if (!client_) {
            return to_outcome(
                failed(report_for(params), error_type::credentials_missing, credentials_error_));
        }
        return to_outcome(run(params, *client_, host_));
    }

    // The client's own events ("retry") quote the service's Message: they reach the host only
    // through here, with the private key scrubbed, as the action's events are.
    static void scrubbed_client_log(void* ctx, ah_log_level level, const char* message) {
        const auto* self = static_cast<const compshare_disk_plugin*>(ctx);
        const std::string_view key =
            self->client_ ? self->client_->settings().private_key.view() : std::string_view();
        self->host_.log(level, scrub_secret(message, key));
    }

    const actionhost::host& host_;
    ah_host_api client_log_{};                       // points back at this instance (not copied)
    std::optional<actionhost::host> client_host_;    // the client's host: host_ + scrubbing
    std::string region_;                             // the config's default Region
    std::unique_ptr<compshare::api_client> client_;  // null while credentials are missing
    std::string credentials_error_;
};

}  // namespace

AH_PLUGIN(compshare_disk_plugin)
