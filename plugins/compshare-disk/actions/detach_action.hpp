// The `detach` action: precheck (DescribeCompShareInstance), dry run, one DetachCompshareDisk,
// then wait until the disk has left the instance's DiskSet in two consecutive reads.
// Cancellation is honoured between steps and during every sleep; the report says whether the
// detach request had already been sent.
#pragma once

#include "client/api_client.hpp"
#include "detach_params.hpp"
#include "detach_result.hpp"

#include <actionhost/host.hpp>

namespace compshare::detach {

// Runs the action once. Never throws for API or protocol failures: every outcome is a report.
detach_report run_detach(const detach_params& params, api_client& client,
                         const actionhost::host& host);

}  // namespace compshare::detach
