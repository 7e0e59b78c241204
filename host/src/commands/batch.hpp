// `run --batch FILE.jsonl [--parallel N]`: one params object per line, one result per line in
// input order, a pool of N instances, and the exit code of the worst outcome.
#pragma once

#include "commands.hpp"
#include "log_sink.hpp"
#include "plugin_library.hpp"

#include <actionhost/plugin_api.h>

#include <memory>
#include <string>

namespace actionhost::core {

// Largest batch input (a file, or standard input with --batch -); each line is also limited to
// max_input_bytes like any params document.
inline constexpr std::size_t max_batch_bytes = 64 * 1024 * 1024;

// Worst of two exit codes: a cancellation by signal (129, 130, 143) first, then the higher code.
int worse_exit_code(int a, int b);

int run_batch(const std::shared_ptr<const plugin_library>& library, const ah_host_api& host,
              const std::string& config_json, const std::string& action, const run_options& options,
              streams io, log_sink& logs);

}  // namespace actionhost::core
