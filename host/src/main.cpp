// actionhost: the command-line host. See `actionhost --help`.
#include "cli.hpp"
#include "commands/command_support.hpp"
#include "exit_codes.hpp"
#include "json_text.hpp"
#include "signal_watcher.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

namespace {

// The plugins hold credentials in memory: a core dump of the host would carry them to disk.
// Off unless asked for (ACTIONHOST_CORE_DUMPS=1, for debugging); the hard limit is kept, so a
// child that wants dumps can still raise its own.
void disable_core_dumps_unless_asked() {
    const char* asked = std::getenv("ACTIONHOST_CORE_DUMPS");
    if (asked != nullptr && std::strcmp(asked, "1") == 0)
        return;
    rlimit limit{};
    if (::getrlimit(RLIMIT_CORE, &limit) == 0) {
        limit.rlim_cur = 0;
        ::setrlimit(RLIMIT_CORE, &limit);
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace actionhost::core;
    disable_core_dumps_unless_asked();
    // A reader that went away is a write error to report (EPIPE), not a silent death.
    std::signal(SIGPIPE, SIG_IGN);
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
        const int code = run_cli(argc, argv, {std::cout, std::cerr, std::cin}, &signals);
        if (code != exit_code::output_lost && !std::cout.flush()) {
            say(std::cerr,
                "cannot write to stdout (closed, full or a broken pipe); the output "
                "is lost");
            return code == exit_code::ok ? exit_code::output_lost : code;
        }
        return code;
    } catch (const std::exception& e) {
        std::cerr << "actionhost: internal error: " << e.what() << '\n';
        std::cout << error_result(error_type::internal, e.what()) << std::endl;
        return exit_code::failure;
    }
}
