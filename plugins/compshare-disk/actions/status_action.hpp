// The `status` action: one read of an instance (DescribeCompShareInstance) reported as its id,
// zone, state and disks, and, for a UDiskId, whether it is attached there and at which device.
// It never writes; engines poll it while they wait.
#pragma once

#include "attach_params.hpp"
#include "client/api_client.hpp"
#include "status_result.hpp"

#include <actionhost/host.hpp>

namespace compshare::detach {

// A report with the parameters filled in, for early failures too.
status_report status_report_for(const status_params& params);

// Runs the action once. Never throws for API or protocol failures: every outcome is a report.
status_report run_status(const status_params& params, api_client& client,
                         const actionhost::host& host);

}  // namespace compshare::detach
