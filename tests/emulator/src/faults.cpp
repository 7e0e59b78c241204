#include "faults.hpp"

#include "compshare_emulator/server.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <array>
#include <set>
#include <sstream>
#include <utility>

namespace compshare_emulator {
namespace {

using Poco::JSON::Object;

const std::array<std::pair<fault_mode, const char*>, 8> mode_names = {{
    {fault_mode::http_status, "http_status"},
    {fault_mode::reset, "reset"},
    {fault_mode::delay, "delay"},
    {fault_mode::malformed_json, "malformed_json"},
    {fault_mode::empty_body, "empty_body"},
    {fault_mode::ret_code, "ret_code"},
    {fault_mode::string_ret_code, "string_ret_code"},
    {fault_mode::body, "body"},
}};

const char* mode_name(fault_mode mode) {
    for (const auto& [value, name] : mode_names) {
        if (value == mode) {
            return name;
        }
    }
    return "?";
}

[[noreturn]] void invalid(const std::string& what) {
    throw emulator_error("invalid fault: " + what);
}

int integer_member(const Object& object, const std::string& key, int low, int high) {
    const auto value = object.get(key);
    if (!value.isInteger()) {
        invalid("\"" + key + "\" must be an integer");
    }
    const long long number = value.convert<long long>();
    if (number < low || number > high) {
        invalid("\"" + key + "\" must be in [" + std::to_string(low) + ", " + std::to_string(high) +
                "]");
    }
    return static_cast<int>(number);
}

std::string string_member(const Object& object, const std::string& key) {
    const auto value = object.get(key);
    if (!value.isString()) {
        invalid("\"" + key + "\" must be a string");
    }
    return value.extract<std::string>();
}

fault parse_one(const Object& object) {
    static const std::set<std::string> known = {
        "action", "mode", "times", "apply", "status", "delay_ms", "ret_code", "message", "body"};
    for (const auto& [key, value] : object) {
        if (known.count(key) == 0) {
            invalid("unknown key \"" + key + "\"");
        }
    }
    fault f;
    if (!object.has("action")) {
        invalid("missing \"action\" (an API action name or \"*\")");
    }
    f.action = string_member(object, "action");
    if (f.action.empty()) {
        invalid("\"action\" is empty");
    }
    if (!object.has("mode")) {
        invalid("missing \"mode\"");
    }
    const std::string mode = string_member(object, "mode");
    bool found = false;
    for (const auto& [value, name] : mode_names) {
        if (mode == name) {
            f.mode = value;
            found = true;
        }
    }
    if (!found) {
        invalid("unknown mode \"" + mode +
                "\" (http_status, reset, delay, malformed_json, empty_body, ret_code, "
                "string_ret_code, body)");
    }
    if (object.has("times")) {
        f.times = integer_member(object, "times", 1, 1000000);
    }
    if (object.has("apply")) {
        const std::string apply = string_member(object, "apply");
        if (apply != "before" && apply != "after") {
            invalid("\"apply\" must be \"before\" or \"after\"");
        }
        f.after = apply == "after";
    }
    auto require = [&object](const char* key, const char* for_mode) {
        if (!object.has(key)) {
            invalid(std::string("mode ") + for_mode + " needs \"" + key + "\"");
        }
    };
    switch (f.mode) {
        case fault_mode::http_status:
            require("status", "http_status");
            f.status = integer_member(object, "status", 400, 599);
            break;
        case fault_mode::delay:
            require("delay_ms", "delay");
            f.delay_ms = integer_member(object, "delay_ms", 0, 600000);
            break;
        case fault_mode::ret_code:
            require("ret_code", "ret_code");
            f.ret_code = integer_member(object, "ret_code", -2147483647, 2147483647);
            f.message = object.has("message") ? string_member(object, "message")
                                              : "Emulated fault " + std::to_string(f.ret_code);
            break;
        case fault_mode::body:
            require("body", "body");
            f.body = string_member(object, "body");
            break;
        default:
            break;
    }
    return f;
}

}  // namespace

bool fault::processes_request() const {
    return after || mode == fault_mode::delay || mode == fault_mode::string_ret_code;
}

Poco::JSON::Object::Ptr fault::to_json() const {
    Object::Ptr object = Poco::makeShared<Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    object->set("action", action);
    object->set("mode", std::string(mode_name(mode)));
    object->set("times", times);
    object->set("apply", std::string(after ? "after" : "before"));
    if (mode == fault_mode::http_status) {
        object->set("status", status);
    } else if (mode == fault_mode::delay) {
        object->set("delay_ms", delay_ms);
    } else if (mode == fault_mode::ret_code) {
        object->set("ret_code", ret_code);
        object->set("message", message);
    } else if (mode == fault_mode::body) {
        object->set("body", body);
    }
    return object;
}

std::vector<fault> parse_faults(const std::string& json) {
    Poco::Dynamic::Var root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(json);
    } catch (const Poco::Exception& e) {
        invalid("not JSON: " + e.displayText());
    }
    std::vector<fault> faults;
    if (root.type() == typeid(Object::Ptr)) {
        faults.push_back(parse_one(*root.extract<Object::Ptr>()));
    } else if (root.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto array = root.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) {
            auto object = array->getObject(static_cast<unsigned int>(i));
            if (object.isNull()) {
                invalid("array element " + std::to_string(i) + " is not an object");
            }
            faults.push_back(parse_one(*object));
        }
    } else {
        invalid("expected a JSON object or an array of objects");
    }
    return faults;
}

void fault_queue::add(const std::vector<fault>& faults) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.insert(pending_.end(), faults.begin(), faults.end());
}

void fault_queue::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.clear();
}

std::optional<fault> fault_queue::take(const std::string& action) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->action == "*" || it->action == action) {
            fault taken = *it;
            if (--it->times <= 0) {
                pending_.erase(it);
            }
            taken.times = 1;
            return taken;
        }
    }
    return std::nullopt;
}

std::string fault_queue::to_json() const {
    Object document;
    Poco::JSON::Array::Ptr list = Poco::makeShared<Poco::JSON::Array>();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& f : pending_) {
            list->add(f.to_json());
        }
    }
    document.set("faults", list);
    std::ostringstream out;
    document.stringify(out);
    return out.str();
}

}  // namespace compshare_emulator
