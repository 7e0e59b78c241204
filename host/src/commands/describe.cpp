// actionhost describe PLUGIN[.ACTION]: config, parameters and result fields, and the error types
// with their class, exit code and whether a retry may help; read from the manifest alone.
#include "command_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "json_text.hpp"
#include "printable.hpp"
#include "schema_fields.hpp"

#include <ostream>

namespace actionhost::core {
namespace {

struct describe_report {
    const manifest& plugin;
    manifest_schemas schemas;
    std::vector<const action_info*> actions;
    bool one_action = false;  // PLUGIN.ACTION was asked for
};

describe_report build_report(const plugin_catalog& catalog, const std::string& target) {
    const auto dot = target.find('.');
    const manifest& m = catalog.require(target.substr(0, dot));
    describe_report report{m, manifest_schemas(m), {}, dot != std::string::npos};
    if (report.one_action) {
        report.actions.push_back(&require_action(m, target.substr(dot + 1)));
    } else {
        for (const auto& a : m.actions)
            report.actions.push_back(&a);
    }
    return report;
}

void write_fields(json_writer& out, const std::vector<schema_field>& fields) {
    out.begin_array();
    for (const auto& f : fields) {
        out.begin_object().member("name", f.name).member("type", f.type);
        out.member("required", f.required);
        if (!f.constraints.empty())
            out.member("constraints", f.constraints);
        if (!f.default_value.isEmpty()) {
            out.key("default");
            write_json_value(out, f.default_value);
        }
        if (!f.description.empty())
            out.member("description", f.description);
        out.end_object();
    }
    out.end_array();
}

void write_errors(json_writer& out, const manifest& m) {
    out.begin_array();
    for (const auto& e : m.errors) {
        out.begin_object().member("type", e.type).member("class", error_class_name(e.kind));
        out.member("exit_code", exit_code_for_class(e.kind));
        out.member("retryable", e.retryable).member("description", e.description);
        out.end_object();
    }
    out.end_array();
}

void write_action(json_writer& out, const describe_report& report, const action_info& a,
                  bool with_errors) {
    const manifest& m = report.plugin;
    const auto params = report.schemas.params(a);
    const auto result = report.schemas.result(a);
    out.begin_object();
    out.member("plugin", m.name).member("action", a.name).member("description", a.description);
    out.key("params");
    write_fields(out, schema_fields(params));
    out.key("result");
    write_fields(out, schema_fields(result));
    out.key("params_schema");
    write_json_value(out, params);
    out.key("result_schema");
    write_json_value(out, result);
    if (with_errors) {
        out.key("errors");
        write_errors(out, m);
    }
    out.end_object();
}

std::string to_json(const describe_report& report) {
    const manifest& m = report.plugin;
    json_writer out;
    if (report.one_action) {
        write_action(out, report, *report.actions.front(), true);
        return out.take();
    }
    out.begin_object();
    out.member("plugin", m.name).member("version", m.version);
    out.member("api_version", m.api_version).member("description", m.description);
    out.member("manifest", m.file.string()).member("library", m.library.string());
    out.key("config");
    const auto config = report.schemas.config();
    write_fields(out, schema_fields(config));
    out.key("config_schema");
    write_json_value(out, config);
    out.key("errors");
    write_errors(out, m);
    out.key("actions").begin_array();
    for (const auto* a : report.actions)
        write_action(out, report, *a, false);
    out.end_array().end_object();
    return out.take();
}

void print_fields(std::ostream& out, const std::string& title,
                  const std::vector<schema_field>& fields) {
    out << title << ":\n";
    if (fields.empty())
        out << "  (no fields declared)\n";
    for (const auto& f : fields) {
        out << "  " << printable(f.name) << " (" << printable(f.type)
            << (f.required ? ", required" : ", optional");
        if (!f.constraints.empty())
            out << ", " << printable(f.constraints);
        if (!f.default_value.isEmpty())
            out << ", default " << printable(var_json(f.default_value));
        out << ")";
        if (!f.description.empty())
            out << ": " << printable(f.description);
        out << '\n';
    }
}

void print_errors(std::ostream& out, const manifest& m) {
    out << "Errors (error.type: class, exit code, whether a retry may succeed):\n";
    std::size_t width = 0;
    for (const auto& e : m.errors)
        width = std::max(width, e.type.size());
    for (const auto& e : m.errors) {
        out << "  " << e.type << std::string(width - e.type.size() + 2, ' ')
            << error_class_name(e.kind) << ", exit "
            << (e.kind == error_class::cancelled ? "129/130/143 by signal, 7 by --timeout, else 1"
                                                 : std::to_string(exit_code_for_class(e.kind)))
            << (e.retryable ? ", retryable" : ", not retryable") << ": " << printable(e.description)
            << '\n';
    }
}

void print_text(const describe_report& report, std::ostream& out) {
    const manifest& m = report.plugin;
    if (!report.one_action) {
        out << m.name << ' ' << printable(m.version) << " (plugin API " << printable(m.api_version)
            << ")\n"
            << printable(m.description) << "\nmanifest: " << printable(m.file.string())
            << "\nlibrary:  " << printable(m.library.string()) << "\n\n";
        print_fields(out, "Config", schema_fields(report.schemas.config()));
    }
    for (const auto* a : report.actions) {
        out << (report.one_action ? "" : "\n") << m.name << '.' << a->name << ": "
            << printable(a->description) << '\n';
        print_fields(out, "Parameters", schema_fields(report.schemas.params(*a)));
        print_fields(out, "Result fields", schema_fields(report.schemas.result(*a)));
    }
    out << '\n';
    print_errors(out, m);
}

}  // namespace

int describe_command(const plugin_catalog& catalog, const std::string& target, bool json,
                     streams io) {
    try {
        const describe_report report = build_report(catalog, target);
        if (json)
            print_report(io.out, to_json(report));
        else
            print_text(report, io.out);
        return exit_code::ok;
    } catch (const host_error& e) {
        return report_failure(e, io);
    }
}

}  // namespace actionhost::core
