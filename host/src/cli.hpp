// The command line (CLI11): parses argv, builds the plugin catalog and runs one command.
#pragma once

#include "commands/commands.hpp"

namespace actionhost::core {

// Returns the process exit code. `signals`: the process's signal watcher, whose signals `run`
// turns into a cancel; null when the caller watches no signals (tests in process).
int run_cli(int argc, const char* const* argv, streams io, signal_watcher* signals);

}  // namespace actionhost::core
