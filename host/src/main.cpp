// actionhost: the command-line host. See `actionhost --help`.
#include "cli.hpp"
#include "exit_codes.hpp"
#include "invocation.hpp"
#include "json_text.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    using namespace actionhost::core;
    // Before any thread exists: SIGINT/SIGTERM become events the invocation reads (signalfd).
    const blocked_signals signals;
    std::ios::sync_with_stdio(false);
    // Plugin log events reach std::cerr from worker threads (--batch --parallel); a tied cerr
    // would flush std::cout from those threads while the batch writer fills it: a data race
    // that lost or doubled newlines between result lines.
    std::cerr.tie(nullptr);
    try {
        return run_cli(argc, argv, {std::cout, std::cerr, std::cin}, true);
    } catch (const std::exception& e) {
        std::cerr << "actionhost: internal error: " << e.what() << '\n';
        std::cout << error_result(error_type::internal, e.what()) << std::endl;
        return exit_code::failure;
    }
}
