// actionhost: the command-line host. See `actionhost --help`.
#include "cli.hpp"
#include "exit_codes.hpp"
#include "json_text.hpp"
#include "signal_watcher.hpp"

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    using namespace actionhost::core;
    try {
        // Before any thread exists: SIGINT, SIGTERM and SIGHUP become events of the watcher's
        // thread. Outside an invocation (scanning plugins, say) a signal ends the process.
        signal_watcher signals([](int signo) {
            const std::string message =
                std::string("actionhost: interrupted by ") + signal_name(signo) + "\n";
            [[maybe_unused]] const auto written =
                ::write(STDERR_FILENO, message.data(), message.size());
            std::_Exit(exit_code_for_signal(signo));
        });
        std::ios::sync_with_stdio(false);
        // Plugin log events reach std::cerr from worker threads (--batch --parallel); a tied
        // cerr would flush std::cout from those threads while the batch writer fills it: a data
        // race that lost or doubled newlines between result lines.
        std::cerr.tie(nullptr);
        return run_cli(argc, argv, {std::cout, std::cerr, std::cin}, &signals);
    } catch (const std::exception& e) {
        std::cerr << "actionhost: internal error: " << e.what() << '\n';
        std::cout << error_result(error_type::internal, e.what()) << std::endl;
        return exit_code::failure;
    }
}
