// actionhost check [PLUGIN]: loads each plugin and reports its API version, its exported symbols,
// whether its embedded manifest agrees with the file, and whether its declared errors agree with
// its result schemas. Exit 8 when any plugin fails.
#include <actionhost/detail/unique_fd.hpp>
#include "api_version.hpp"
#include "command_support.hpp"
#include "commands.hpp"
#include "plugin_library.hpp"
#include "printable.hpp"

#include <actionhost/json/reader.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <system_error>

namespace actionhost::core {

using actionhost::detail::unique_fd;
namespace {

struct plugin_check {
    const manifest* plugin = nullptr;
    std::string api_version;  // what the library says; "" when it did not load
    std::vector<std::string> symbols;
    std::vector<std::string> missing_symbols;
    std::vector<std::string> unexpected_symbols;
    std::vector<std::string> error_problems;  // declared errors vs. result schemas
    std::string error_type;                   // why it failed to load, if it did
    std::string error;
    bool loaded() const { return error.empty(); }
    bool ok() const { return loaded() && error_problems.empty(); }
};

struct check_report {
    const plugin_catalog& catalog;
    std::vector<plugin_check> plugins;
    // Unreadable manifests (a failure) and shadowed plugins (a note), for the whole path only.
    std::vector<plugin_catalog::problem> failures;
    std::vector<plugin_catalog::problem> notes;
    bool ok() const {
        return failures.empty() && std::all_of(plugins.begin(), plugins.end(),
                                               [](const plugin_check& p) { return p.ok(); });
    }
};

// Loads the library in a child process and reports its API version or why it did not load. A
// library that kills the process loading it (a static constructor that crashes, a corrupt
// image) then costs the child, not the check: every other plugin is still reported.
void load_in_child(const manifest& m, plugin_check& c) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    const unique_fd read_end(fds[0]);
    unique_fd write_end(fds[1]);
    const pid_t child = ::fork();
    if (child < 0)
        throw std::system_error(errno, std::generic_category(), "fork");
    if (child == 0) {
        // The child only loads, answers in one JSON object, and leaves without running any of
        // the parent's destructors or exit handlers. A crash kills it plainly: handlers the
        // parent may have installed for these signals are not the child's business.
        for (const int signo : {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE})
            std::signal(signo, SIG_DFL);
        json_writer answer;
        answer.begin_object();
        try {
            answer.member("api_version", plugin_library::load(m)->api_version());
        } catch (const host_error& e) {
            answer.member("type", e.type()).member("message", e.what());
        } catch (const std::exception& e) {
            answer.member("type", error_type::plugin_load_failed).member("message", e.what());
        }
        answer.end_object();
        const std::string& text = answer.str();
        for (std::size_t done = 0; done < text.size();) {
            const ssize_t n = ::write(write_end.get(), text.data() + done, text.size() - done);
            if (n <= 0)
                break;
            done += static_cast<std::size_t>(n);
        }
        std::_Exit(0);
    }
    write_end = unique_fd();  // the child's copy is the only writer left
    std::string answer;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || answer.size() > 1024 * 1024)
            break;
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    const std::string library = "plugin \"" + m.name + "\": " + m.library.string();
    if (WIFSIGNALED(status)) {
        c.error_type = error_type::plugin_load_failed;
        c.error = library + ": loading it killed the checking process (signal " +
                  std::to_string(WTERMSIG(status)) + ", " + strsignal(WTERMSIG(status)) +
                  "); a host that loads it would die the same way";
        return;
    }
    try {
        const auto object = json::as_object(json::parse(answer));
        if (object && object->has("api_version")) {
            c.api_version = object->getValue<std::string>("api_version");
            return;
        }
        if (object && object->has("type")) {
            c.error_type = object->getValue<std::string>("type");
            c.error = object->getValue<std::string>("message");
            return;
        }
    } catch (const std::exception&) {
    }
    c.error_type = error_type::plugin_load_failed;
    c.error = library + ": the checking process ended without an answer (exit status " +
              std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
}

plugin_check check_plugin(const manifest& m) {
    plugin_check c;
    c.plugin = &m;
    c.error_problems = error_declaration_problems(m);
    try {
        if (std::filesystem::exists(m.library)) {
            c.symbols = exported_symbols(m.library);
            for (const auto& s : c.symbols) {
                if (s.rfind("ah_plugin_", 0) != 0)
                    c.unexpected_symbols.push_back(s);
            }
            for (const char* r : required_symbols) {
                if (std::find(c.symbols.begin(), c.symbols.end(), r) == c.symbols.end())
                    c.missing_symbols.emplace_back(r);
            }
        }
    } catch (const host_error& e) {
        c.error = e.what();
        c.error_type = e.type();
        return c;
    }
    load_in_child(m, c);
    return c;
}

std::string to_json(const check_report& report) {
    json_writer out;
    out.begin_object().member("ok", report.ok());
    out.member("host_api_version", host_api_version().str());
    out.key("plugin_path").begin_array();
    for (const auto& d : report.catalog.dirs())
        out.value(d.string());
    out.end_array();
    out.key("plugins").begin_array();
    for (const auto& c : report.plugins) {
        const manifest& m = *c.plugin;
        out.begin_object();
        out.member("plugin", m.name).member("manifest", m.file.string());
        out.member("library", m.library.string()).member("manifest_api_version", m.api_version);
        if (!c.api_version.empty())
            out.member("api_version", c.api_version);
        out.member("exported_symbols", c.symbols).member("missing_symbols", c.missing_symbols);
        out.member("unexpected_symbols", c.unexpected_symbols);
        out.member("manifest_agrees", c.loaded());
        out.member("errors_agree", c.error_problems.empty());
        out.member("error_problems", c.error_problems);
        out.member("ok", c.ok());
        if (!c.loaded()) {
            out.key("error").begin_object().member("type", c.error_type);
            out.member("message", c.error).end_object();
        }
        out.end_object();
    }
    out.end_array();
    out.key("problems").begin_array();
    for (const auto* list : {&report.failures, &report.notes}) {
        for (const auto& p : *list)
            out.value(p.message);
    }
    out.end_array().end_object();
    return out.take();
}

void print_text(const check_report& report, streams io) {
    for (const auto& c : report.plugins) {
        const manifest& m = *c.plugin;
        io.out << m.name << ": " << (c.ok() ? "OK" : "FAILED")
               << "\n  manifest: " << printable(m.file.string())
               << "\n  library:  " << printable(m.library.string()) << "\n  API version: "
               << (c.api_version.empty() ? "(not loaded)" : printable(c.api_version))
               << " (manifest says " << printable(m.api_version) << ", host implements "
               << host_api_version().str() << ")\n  exported symbols:";
        for (const auto& s : c.symbols)
            io.out << ' ' << printable(s);
        if (c.symbols.empty())
            io.out << " (none)";
        io.out << '\n';
        if (!c.unexpected_symbols.empty())
            io.out << "  warning: exports beyond ah_plugin_*: " << c.unexpected_symbols.size()
                   << '\n';
        if (c.loaded()) {
            io.out << "  embedded manifest: agrees with the file\n";
        } else {
            io.out << "  error: " << printable(c.error) << '\n';
            say(io.err, c.error);
        }
        if (c.error_problems.empty()) {
            io.out << "  declared errors: agree with the result schemas\n";
        }
        for (const auto& p : c.error_problems) {
            io.out << "  error: " << printable(p) << '\n';
            say(io.err, "plugin \"" + m.name + "\": " + p);
        }
    }
    for (const auto& p : report.failures) {
        io.out << "problem: " << printable(p.message) << '\n';
        say(io.err, p.message);
    }
    for (const auto& p : report.notes)
        io.out << "note: " << printable(p.message) << '\n';
    if (report.plugins.empty() && report.failures.empty())
        io.out << "no plugins found in the plugin path\n";
}

}  // namespace

int check_command(const plugin_catalog& catalog, const std::optional<std::string>& plugin,
                  bool json, streams io) {
    check_report report{catalog, {}, {}, {}};
    if (plugin) {
        try {
            report.plugins.push_back(check_plugin(catalog.require(*plugin)));
        } catch (const host_error& e) {
            return report_failure(e, io);
        }
    } else {
        for (const auto& m : catalog.plugins())
            report.plugins.push_back(check_plugin(m));
        report.failures = catalog.problems();
        report.notes = catalog.shadowed();
    }
    if (json)
        print_report(io.out, to_json(report));
    else
        print_text(report, io);
    int worst = report.failures.empty() ? exit_code::ok : exit_code::plugin;
    for (const auto& c : report.plugins) {
        if (!c.loaded())
            worst = std::max(worst, exit_code_for_host_error(c.error_type));
        else if (!c.ok())
            worst = std::max(worst, exit_code::plugin);
    }
    return worst;
}

}  // namespace actionhost::core
