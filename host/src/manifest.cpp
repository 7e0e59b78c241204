#include "manifest.hpp"

#include "exit_codes.hpp"
#include "host_error.hpp"
#include "json_text.hpp"
#include "read_limited.hpp"

#include <Poco/JSON/Array.h>

#include <fstream>
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

    std::string string_field(const Poco::JSON::Object& object, const std::string& key,
                             const std::string& path) const {
        if (!object.has(key))
            fail(path, "is missing");
        const auto value = object.get(key);
        if (!value.isString())
            fail(path, "must be a string");
        return value.convert<std::string>();
    }

    Poco::JSON::Object::Ptr object_field(const Poco::JSON::Object& object, const std::string& key,
                                         const std::string& path) const {
        if (!object.has(key))
            fail(path, "is missing");
        auto child = object.getObject(key);
        if (!child)
            fail(path, "must be a JSON object");
        return child;
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
    m.document =
        parse_json_object(text, "manifest " + file.string(), error_type::plugin_load_failed);
    m.text = text;
    const auto& doc = *m.document;
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
    m.config_schema = v.object_field(doc, "config_schema", "config_schema");

    if (!doc.has("actions"))
        v.fail("actions", "is missing");
    const auto actions = doc.getArray("actions");
    if (!actions)
        v.fail("actions", "must be an array");
    if (actions->size() == 0)
        v.fail("actions", "must list at least one action");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < actions->size(); ++i) {
        const std::string path = "actions[" + std::to_string(i) + "]";
        const auto action = actions->getObject(static_cast<unsigned>(i));
        if (!action)
            v.fail(path, "must be a JSON object");
        action_info info;
        info.name = v.string_field(*action, "name", path + ".name");
        if (!valid_name(info.name)) {
            v.fail(path + ".name",
                   "is \"" + info.name + "\"; it must match [a-z0-9][a-z0-9_-]* (64 at most)");
        }
        if (!seen.insert(info.name).second) {
            v.fail(path + ".name", "repeats the action \"" + info.name + "\"");
        }
        info.description = v.string_field(*action, "description", path + ".description");
        info.params_schema = v.object_field(*action, "params_schema", path + ".params_schema");
        info.result_schema = v.object_field(*action, "result_schema", path + ".result_schema");
        m.actions.push_back(std::move(info));
    }
    return m;
}

manifest load_manifest(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw host_error(error_type::plugin_load_failed,
                         "manifest " + file.string() + ": cannot be read");
    }
    const std::string text = read_limited(in, max_manifest_bytes);
    if (text.size() > max_manifest_bytes) {
        throw host_error(error_type::plugin_load_failed,
                         "manifest " + file.string() + ": larger than " +
                             std::to_string(max_manifest_bytes) + " bytes");
    }
    return parse_manifest(text, file);
}

}  // namespace actionhost::core
