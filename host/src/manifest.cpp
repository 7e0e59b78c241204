#include "manifest.hpp"

#include "bounded_file.hpp"
#include "exit_codes.hpp"
#include "host_error.hpp"
#include "json_outline.hpp"
#include "json_text.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <set>

namespace actionhost::core {
namespace {

class validator {
  public:
    explicit validator(const std::filesystem::path& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw host_error(error_type::plugin_load_failed,
                         "manifest " + file_.string() + ": field \"" + field + "\" " + problem);
    }

    const json_outline& field(const json_outline& object, const std::string& key,
                              const std::string& path) const {
        const json_outline* value = object.find(key);
        if (value == nullptr)
            fail(path, "is missing");
        return *value;
    }

    std::string string_field(const json_outline& object, const std::string& key,
                             const std::string& path) const {
        const json_outline& value = field(object, key, path);
        if (value.type != json_outline::kind::string)
            fail(path, "must be a string");
        return value.text;
    }

    const json_outline& object_field(const json_outline& object, const std::string& key,
                                     const std::string& path) const {
        const json_outline& value = field(object, key, path);
        if (value.type != json_outline::kind::object)
            fail(path, "must be a JSON object");
        return value;
    }

  private:
    const std::filesystem::path& file_;
};

}  // namespace

bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64)
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '-' && c != '_')))
            return false;
    }
    return true;
}

namespace {

constexpr std::pair<error_class, std::string_view> class_names[] = {
    {error_class::usage, "usage"},
    {error_class::credentials, "credentials"},
    {error_class::precondition, "precondition"},
    {error_class::remote, "remote"},
    {error_class::transient, "transient"},
    {error_class::timeout, "timeout"},
    {error_class::cancelled, "cancelled"},
    {error_class::internal, "internal"},
};

// Error types are PascalCase words: [A-Z][A-Za-z0-9]*, 64 at most.
bool valid_error_type(const std::string& type) {
    if (type.empty() || type.size() > 64 || type[0] < 'A' || type[0] > 'Z')
        return false;
    for (const char c : type) {
        if (!std::isalnum(static_cast<unsigned char>(c)))
            return false;
    }
    return true;
}

std::vector<error_decl> parse_errors(const json_outline& doc, const validator& v) {
    const json_outline& errors = v.object_field(doc, "errors", "errors");
    if (errors.children.empty())
        v.fail("errors", "must declare at least one error type");
    std::string names;
    for (const auto& c : class_names)
        names += (names.empty() ? "" : ", ") + std::string(c.second);
    // By type, as `errors` is kept and listed (and a bad entry reported first in that order).
    std::vector<const json_outline*> entries;
    for (const auto& entry : errors.children)
        entries.push_back(&entry);
    std::sort(entries.begin(), entries.end(),
              [](const json_outline* a, const json_outline* b) { return a->name < b->name; });
    std::vector<error_decl> out;
    for (const json_outline* entry : entries) {
        const std::string& type = entry->name;
        const std::string path = "errors." + type;
        if (!valid_error_type(type))
            v.fail(path, "is not an error type name: it must match [A-Z][A-Za-z0-9]* (64 at most)");
        if (entry->type != json_outline::kind::object)
            v.fail(path, "must be a JSON object");
        error_decl decl;
        decl.type = type;
        const std::string name = v.string_field(*entry, "class", path + ".class");
        const auto kind = error_class_from_name(name);
        if (!kind)
            v.fail(path + ".class", "is \"" + name + "\"; it must be one of " + names);
        decl.kind = *kind;
        const json_outline* retryable = entry->find("retryable");
        if (retryable == nullptr || retryable->type != json_outline::kind::boolean)
            v.fail(path + ".retryable", "must be true or false");
        decl.retryable = retryable->boolean;
        decl.description = v.string_field(*entry, "description", path + ".description");
        out.push_back(std::move(decl));
    }
    return out;
}

}  // namespace

std::string_view error_class_name(error_class c) {
    for (const auto& [value, name] : class_names) {
        if (value == c)
            return name;
    }
    return "internal";
}

std::optional<error_class> error_class_from_name(std::string_view name) {
    for (const auto& [value, text] : class_names) {
        if (text == name)
            return value;
    }
    return std::nullopt;
}

const error_decl* manifest::find_error(std::string_view type) const {
    for (const auto& e : errors) {
        if (e.type == type)
            return &e;
    }
    return nullptr;
}

const action_info* manifest::find_action(const std::string& action) const {
    for (const auto& a : actions) {
        if (a.name == action)
            return &a;
    }
    return nullptr;
}

manifest parse_manifest(const std::string& text, const std::filesystem::path& file) {
    const validator v(file);
    manifest m;
    m.file = file;
    // Down to errors.TYPE.class and actions[i].name: the schemas' contents are not needed to
    // load a plugin (manifest_schemas reads them).
    const json_outline doc =
        outline_json_object(text, 3, "manifest " + file.string(), error_type::plugin_load_failed);
    m.text = text;
    m.name = v.string_field(doc, "name", "name");
    if (!valid_name(m.name)) {
        v.fail("name", "is \"" + m.name + "\"; it must match [a-z0-9][a-z0-9_-]* (64 at most)");
    }
    m.version = v.string_field(doc, "version", "version");
    m.api_version = v.string_field(doc, "api_version", "api_version");
    m.description = v.string_field(doc, "description", "description");
    const std::string library = v.string_field(doc, "library", "library");
    if (library.empty())
        v.fail("library", "must not be empty");
    m.library = file.parent_path() / library;  // an absolute name stays absolute
    v.object_field(doc, "config_schema", "config_schema");
    m.errors = parse_errors(doc, v);

    const json_outline& actions = v.field(doc, "actions", "actions");
    if (actions.type != json_outline::kind::array)
        v.fail("actions", "must be an array");
    if (actions.children.empty())
        v.fail("actions", "must list at least one action");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < actions.children.size(); ++i) {
        const std::string path = "actions[" + std::to_string(i) + "]";
        const json_outline& action = actions.children[i];
        if (action.type != json_outline::kind::object)
            v.fail(path, "must be a JSON object");
        action_info info;
        info.index = i;
        info.name = v.string_field(action, "name", path + ".name");
        if (!valid_name(info.name)) {
            v.fail(path + ".name",
                   "is \"" + info.name + "\"; it must match [a-z0-9][a-z0-9_-]* (64 at most)");
        }
        if (!seen.insert(info.name).second) {
            v.fail(path + ".name", "repeats the action \"" + info.name + "\"");
        }
        info.description = v.string_field(action, "description", path + ".description");
        v.object_field(action, "params_schema", path + ".params_schema");
        v.object_field(action, "result_schema", path + ".result_schema");
        m.actions.push_back(std::move(info));
    }
    return m;
}

manifest_schemas::manifest_schemas(const manifest& m)
    : document_(parse_json_object(m.text, "manifest " + m.file.string(),
                                  error_type::plugin_load_failed)) {}

Poco::JSON::Object::Ptr manifest_schemas::config() const {
    return document_->getObject("config_schema");
}

Poco::JSON::Object::Ptr manifest_schemas::action(const action_info& a) const {
    return document_->getArray("actions")->getObject(static_cast<unsigned>(a.index));
}

Poco::JSON::Object::Ptr manifest_schemas::params(const action_info& a) const {
    return action(a)->getObject("params_schema");
}

Poco::JSON::Object::Ptr manifest_schemas::result(const action_info& a) const {
    return action(a)->getObject("result_schema");
}

namespace {

// result_schema.properties.error.properties.type.enum, or null.
Poco::JSON::Array::Ptr allowed_error_types(const Poco::JSON::Object::Ptr& result_schema) {
    Poco::JSON::Object::Ptr node = result_schema;
    for (const char* key : {"properties", "error", "properties", "type"}) {
        if (!node)
            return nullptr;
        node = node->getObject(key);
    }
    return node ? node->getArray("enum") : nullptr;
}

}  // namespace

std::vector<std::string> error_declaration_problems(const manifest& m) {
    std::vector<std::string> problems;
    std::set<std::string> listed;
    const manifest_schemas schemas(m);
    for (const auto& a : m.actions) {
        const auto allowed = allowed_error_types(schemas.result(a));
        if (!allowed) {
            problems.push_back("the result schema of action \"" + a.name +
                               "\" does not list its error types "
                               "(properties.error.properties.type.enum)");
            continue;
        }
        for (const auto& value : *allowed) {
            const std::string type = value.isString() ? value.extract<std::string>() : "";
            if (m.find_error(type) == nullptr) {
                problems.push_back("action \"" + a.name + "\" can return error.type \"" + type +
                                   "\", which \"errors\" does not declare");
            }
            listed.insert(type);
        }
    }
    for (const auto& e : m.errors) {
        if (listed.count(e.type) == 0) {
            problems.push_back("\"errors\" declares \"" + e.type +
                               "\", which no action's result schema lists");
        }
    }
    return problems;
}

manifest load_manifest(const std::filesystem::path& file) {
    try {
        return parse_manifest(read_regular_file(file, max_manifest_bytes), file);
    } catch (const file_refused& e) {
        throw host_error(error_type::plugin_load_failed,
                         "manifest " + file.string() + ": " + e.what());
    }
}

}  // namespace actionhost::core
