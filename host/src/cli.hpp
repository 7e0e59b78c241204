// The command line (CLI11): parses argv, builds the plugin catalog and runs one command.
#pragma once

#include "commands.hpp"

namespace actionhost::core {

// Returns the process exit code. `watch_signals`: SIGINT/SIGTERM are blocked by the caller and
// `run` should turn them into a cancel.
int run_cli(int argc, const char* const* argv, streams io, bool watch_signals);

}  // namespace actionhost::core
