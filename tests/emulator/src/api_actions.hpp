// The emulated actions: DescribeCompShareInstance, DetachCompshareDisk, AttachCompshareDisk and
// the disk inventory DescribeCompshareDisk (undocumented upstream; shaped after compshare-cli).
#pragma once

#include "compshare_emulator/signature.hpp"
#include "emulator_state.hpp"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <string>

namespace compshare_emulator {

struct action_result {
    int ret_code = 0;
    std::string message;             // set when ret_code != 0
    Poco::JSON::Object::Ptr fields;  // action-specific response fields (may be null)
};

bool is_known_action(const std::string& action);

// Runs an authenticated request against the state (the caller holds the state lock and has
// called state.settle(now)).
action_result run_action(emulator_state& state, const param_map& params, clock::time_point now,
                         std::chrono::milliseconds detach_delay);

}  // namespace compshare_emulator
