// The `attach` action: precheck (the instance, and where the disk is: its DiskSet, then the disk
// inventory confirmed by the other instance's own read), dry run, one AttachCompshareDisk sent
// safely (an ambiguous failure is re-read before any re-send), then wait until the disk shows in
// the instance's DiskSet with a device in two consecutive reads.
#pragma once

#include "attach_params.hpp"
#include "client/api_client.hpp"
#include "detach_result.hpp"

#include <actionhost/host.hpp>

namespace compshare::detach {

// A report in attach's vocabulary (attach_sent, attach's hints), for early failures too.
detach_report attach_report_for(const attach_params& params);

// Runs the action once. Never throws for API or protocol failures: every outcome is a report.
detach_report run_attach(const attach_params& params, api_client& client,
                         const actionhost::host& host);

}  // namespace compshare::detach
